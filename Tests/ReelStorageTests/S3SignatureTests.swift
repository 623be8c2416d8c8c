import Foundation
import ReelStorage
import XCTest

/// moto ignores signatures by default, but its "auth" mode verifies SigV4
/// header signatures (with botocore) against IAM keys it issued. This test
/// turns that mode on for the whole moto server, so it must not run while
/// anything else uses the same server (XCTest runs tests one at a time).
///
/// Presigned URLs cannot be checked this way: even in auth mode moto only
/// looks for `Signature=` in the query (see `PresignTests`).
final class S3SignatureTests: XCTestCase {
    func testMotoVerifiesTheSignaturesLibcurlComputes() async throws {
        let endpoint = try S3StorageTests.endpoint()
        let bucket = "reel-sig-\(randomHex())"
        let setup = try S3Storage(endpoint: endpoint, region: "us-east-1", bucket: bucket,
                                  accessKey: "reel-test", secretKey: "reel-test-secret")
        try await setup.createBucket()
        let (accessKey, secretKey) = try createIAMKey(endpoint: endpoint, user: "reel-\(randomHex(8))")

        try setAuthMode(endpoint: endpoint, on: true)
        do {
            let storage = try S3Storage(endpoint: endpoint, region: "us-east-1", bucket: bucket,
                                        accessKey: accessKey, secretKey: secretKey)
            // Every kind of request S3Storage sends, with query strings and signed headers.
            try await StorageConformance(storage: storage, prefix: "sig/file/").putFromFile()  // multipart
            try await StorageConformance(storage: storage, prefix: "sig/ranges/").ranges()
            try await StorageConformance(storage: storage, prefix: "sig/list/").listAndDeletePrefix()
            let writer = try storage.makeWriter(key: "sig/w")
            try writer.append(Data("written".utf8))
            try await writer.finishAsync()
            let size = try await storage.size(key: "sig/w")
            XCTAssertEqual(size, 7)
            try await storage.delete(key: "sig/w")

            let forged = try S3Storage(endpoint: endpoint, region: "us-east-1", bucket: bucket,
                                       accessKey: accessKey, secretKey: secretKey + "x")
            await assertStorageError("wrong secret", {
                if case let .s3(_, _, status, code, _) = $0 { return status == 403 && code == "SignatureDoesNotMatch" }
                return false
            }) {
                try await forged.put(key: "sig/forged", data: Data("x".utf8))
            }
        } catch {
            try? setAuthMode(endpoint: endpoint, on: false)
            try? await setup.deleteBucket(emptyingIt: true)
            throw error
        }
        try setAuthMode(endpoint: endpoint, on: false)
        try await setup.deleteBucket(emptyingIt: true)
    }

    /// An IAM user allowed s3:* and an access key for it (moto accepts any
    /// signature while auth mode is off).
    private func createIAMKey(endpoint: URL, user: String) throws -> (String, String) {
        func iam(_ form: [String]) throws -> String {
            let arguments = ["-s", "--fail-with-body", "--aws-sigv4", "aws:amz:us-east-1:iam", "--user", "setup:setup",
                             "-X", "POST", endpoint.absoluteString + "/"]
                + (form + ["Version=2010-05-08"]).flatMap { ["--data-urlencode", $0] }
            let result = try runProcess("/usr/bin/curl", arguments)
            guard result.status == 0 else { throw TestSetupError(description: "IAM \(form.first ?? ""): \(result.output)") }
            return result.output
        }
        _ = try iam(["Action=CreateUser", "UserName=\(user)"])
        _ = try iam(["Action=PutUserPolicy", "UserName=\(user)", "PolicyName=s3",
                     #"PolicyDocument={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#])
        let created = try iam(["Action=CreateAccessKey", "UserName=\(user)"])
        func element(_ name: String) throws -> String {
            guard let start = created.range(of: "<\(name)>"), let end = created.range(of: "</\(name)>") else {
                throw TestSetupError(description: "no \(name) in \(created)")
            }
            return String(created[start.upperBound..<end.lowerBound])
        }
        return (try element("AccessKeyId"), try element("SecretAccessKey"))
    }

    /// moto's switch: verify every request from now on ("0"), or never ("inf").
    private func setAuthMode(endpoint: URL, on: Bool) throws {
        let result = try runProcess("/usr/bin/curl", [
            "-s", "--fail-with-body", "-X", "POST", "-H", "Content-Type: text/plain",
            "--data-binary", on ? "0" : "inf", endpoint.absoluteString + "/moto-api/reset-auth",
        ])
        guard result.status == 0 else { throw TestSetupError(description: "moto reset-auth: \(result.output)") }
    }
}
