import Foundation
import ReelStorage
import XCTest

/// The conformance suite against a real S3-compatible server on loopback
/// (moto: `tools/s3-test-server start`, endpoint in REEL_TEST_S3_ENDPOINT).
/// Without the variable every test here fails; none is skipped.
final class S3StorageTests: XCTestCase {
    static let endpointVariable = "REEL_TEST_S3_ENDPOINT"

    static func endpoint() throws -> URL {
        guard let text = ProcessInfo.processInfo.environment[endpointVariable], !text.isEmpty,
              let url = URL(string: text) else {
            throw TestSetupError(description: """
                \(endpointVariable) is not set. The S3 tests need a real S3-compatible server: run \
                `tools/s3-test-server start` and then `\(endpointVariable)=$(tools/s3-test-server url) swift test …` \
                (tools/dev test does this).
                """)
        }
        return url
    }

    /// A storage on a new bucket of its own; the bucket is emptied and
    /// removed afterwards.
    private func withBucket(_ body: (S3Storage) async throws -> Void) async throws {
        let storage = try S3Storage(endpoint: try Self.endpoint(), region: "us-east-1",
                                    bucket: "reel-test-\(randomHex())", accessKey: "reel-test", secretKey: "reel-test-secret")
        try await storage.createBucket()
        try await storage.createBucket()  // again: already ours, not an error
        do {
            try await body(storage)
        } catch {
            try? await storage.deleteBucket(emptyingIt: true)
            throw error
        }
        try await storage.deleteBucket(emptyingIt: true)
    }

    private func withSuite(_ body: (StorageConformance) async throws -> Void) async throws {
        try await withBucket { try await body(StorageConformance(storage: $0, prefix: "t-\(randomHex(8))/")) }
    }

    func testPutGetSizeDelete() async throws { try await withSuite { try await $0.putGetSizeDelete() } }
    func testPutFromFile() async throws { try await withSuite { try await $0.putFromFile() } }
    func testPutAdoptingFile() async throws { try await withSuite { try await $0.putAdoptingFile() } }
    func testRanges() async throws { try await withSuite { try await $0.ranges() } }
    func testListAndDeletePrefix() async throws { try await withSuite { try await $0.listAndDeletePrefix() } }
    func testWriterPublishesOnFinish() async throws { try await withSuite { try await $0.writerPublishesOnFinish() } }
    func testWriterAbortLeavesNothing() async throws { try await withSuite { try await $0.writerAbortLeavesNothing() } }
    func testStreamed64MiBWrite() async throws { try await withSuite { try await $0.streamed64MiBWrite() } }
    func testKeyValidation() async throws { try await withSuite { try await $0.keyValidation() } }
    func testConcurrentRequests() async throws { try await withSuite { try await $0.concurrentRequests() } }

    func testListPagesBeyondOneThousandKeys() async throws {
        try await withBucket { storage in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<1005 {
                    group.addTask { try await storage.put(key: String(format: "many/%04d", index), data: Data([1])) }
                }
                try await group.waitForAll()
            }
            let listed = try await storage.list(prefix: "many/")
            XCTAssertEqual(listed.count, 1005)
            XCTAssertEqual(listed.last, "many/1004")
            try await storage.delete(prefix: "many/")  // two DeleteObjects batches
            let left = try await storage.list(prefix: "")
            XCTAssertEqual(left, [])
        }
    }

    /// moto does not check presigned signatures or expiry (it answers 200 to
    /// a tampered or expired URL too), so this only proves the URL is what
    /// grants access there; the signature itself is checked against AWS's and
    /// botocore's vectors in `PresignTests`.
    func testPresignedURLFetchesTheObject() async throws {
        try await withBucket { storage in
            try await storage.put(key: "videos/p/master.m3u8", data: Data("#EXTM3U\n".utf8))
            let url = try XCTUnwrap(try storage.presignedURL(for: "videos/p/master.m3u8", expires: .seconds(300)))
            XCTAssertEqual(url.host, storage.endpoint.host)
            XCTAssertEqual(url.path, "/\(storage.bucket)/videos/p/master.m3u8")
            let query = try XCTUnwrap(URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems)
            let items = Dictionary(uniqueKeysWithValues: query.map { ($0.name, $0.value ?? "") })
            XCTAssertEqual(items["X-Amz-Algorithm"], "AWS4-HMAC-SHA256")
            XCTAssertEqual(items["X-Amz-Expires"], "300")
            XCTAssertEqual(items["X-Amz-SignedHeaders"], "host")
            XCTAssertTrue(items["X-Amz-Credential"]?.hasSuffix("/us-east-1/s3/aws4_request") == true)
            XCTAssertEqual(items["X-Amz-Signature"]?.count, 64)

            let fetched = try runProcess("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", url.absoluteString])
            XCTAssertEqual(fetched.output, "#EXTM3U\n\n200")
            let plain = "\(storage.endpoint.absoluteString)/\(storage.bucket)/videos/p/master.m3u8"
            let unsigned = try runProcess("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", plain])
            XCTAssertEqual(unsigned.output, "403", "moto should refuse the same GET without the presignature")

            await assertStorageError("expiry over 7 days", { if case .configuration = $0 { return true }; return false }) {
                _ = try storage.presignedURL(for: "videos/p/master.m3u8", expires: .seconds(604_801))
            }
            await assertStorageError("zero expiry", { if case .configuration = $0 { return true }; return false }) {
                _ = try storage.presignedURL(for: "videos/p/master.m3u8", expires: .zero)
            }
            XCTAssertNil(storage.localPath(for: "videos/p/master.m3u8"))
        }
    }

    func testUnreachableServerIsATransportError() async throws {
        let storage = try S3Storage(endpoint: URL(string: "http://127.0.0.1:1")!, region: "us-east-1",
                                    bucket: "reel-test", accessKey: "a", secretKey: "b")
        await assertStorageError("connection refused", { if case .transport = $0 { return true }; return false }) {
            _ = try await storage.get(key: "x")
        }
    }

    func testMissingBucketIsAnS3Error() async throws {
        let storage = try S3Storage(endpoint: try Self.endpoint(), region: "us-east-1",
                                    bucket: "reel-missing-\(randomHex())", accessKey: "a", secretKey: "b")
        await assertStorageError("put into a missing bucket", {
            if case let .s3(_, _, status, code, _) = $0 { return status == 404 && code == "NoSuchBucket" }
            return false
        }) {
            try await storage.put(key: "x", data: Data("x".utf8))
        }
    }
}
