import Foundation
import ReelStorage
import XCTest

/// The hand-written SigV4 query presignature, against known answers (moto
/// does not verify presignatures, so the live test cannot).
final class PresignTests: XCTestCase {
    private let accessKey = "AKIAIOSFODNN7EXAMPLE"
    private let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    /// AWS's published example ("Authenticating Requests: Using Query
    /// Parameters", virtual-hosted style), which botocore reproduces too.
    func testAWSDocumentationExample() throws {
        let storage = try S3Storage(endpoint: URL(string: "https://s3.amazonaws.com")!, region: "us-east-1",
                                    bucket: "examplebucket", accessKey: accessKey, secretKey: secretKey, pathStyle: false)
        let url = try storage.presignedURL(for: "test.txt", expires: .seconds(86_400),
                                           now: Date(timeIntervalSince1970: 1_369_353_600))  // 2013-05-24T00:00:00Z
        XCTAssertEqual(url?.absoluteString, "https://examplebucket.s3.amazonaws.com/test.txt"
            + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    /// Path style with a port, as botocore 1.x (`S3SigV4QueryAuth`) signs it.
    func testBotocorePathStyleVector() throws {
        let storage = try S3Storage(endpoint: URL(string: "http://127.0.0.1:9000")!, region: "eu-west-1",
                                    bucket: "reel-media", accessKey: accessKey, secretKey: secretKey)
        let url = try storage.presignedURL(for: "videos/abc/hls/720p/seg-00001.m4s", expires: .seconds(900),
                                           now: Date(timeIntervalSince1970: 1_773_500_966))  // 2026-03-14T15:09:26Z
        XCTAssertEqual(url?.absoluteString, "http://127.0.0.1:9000/reel-media/videos/abc/hls/720p/seg-00001.m4s"
            + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260314%2Feu-west-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20260314T150926Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=1a4cc448bbad49c923f7269572f1c82e5a6f28198a179ae0f4d9d5dc1c486540")
    }

    /// A tampered URL no longer carries the signature of what it asks for.
    func testSignatureCoversKeyExpiryAndTime() throws {
        let storage = try S3Storage(endpoint: URL(string: "http://127.0.0.1:9000")!, region: "eu-west-1",
                                    bucket: "reel-media", accessKey: accessKey, secretKey: secretKey)
        let now = Date(timeIntervalSince1970: 1_773_500_966)
        func signature(_ key: String, _ seconds: Int64, _ date: Date) throws -> String? {
            let url = try storage.presignedURL(for: key, expires: .seconds(seconds), now: date)
            return url.flatMap { URLComponents(url: $0, resolvingAgainstBaseURL: false)?.queryItems?
                .first { $0.name == "X-Amz-Signature" }?.value }
        }
        let original = try signature("videos/a/1.m4s", 900, now)
        XCTAssertNotEqual(original, try signature("videos/a/2.m4s", 900, now))
        XCTAssertNotEqual(original, try signature("videos/a/1.m4s", 901, now))
        XCTAssertNotEqual(original, try signature("videos/a/1.m4s", 900, now.addingTimeInterval(1)))
    }
}
