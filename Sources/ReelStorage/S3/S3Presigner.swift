import Crypto
import Foundation
import ReelEncoding
#if canImport(Glibc)
import Glibc
#endif

/// SigV4 query-string presigning for GET (the "presigned URL" a browser or
/// player can fetch without credentials).
///
/// This is the one hand-written piece of SigV4 in Reel: libcurl signs the
/// requests it sends itself (`CURLOPT_AWS_SIGV4`) but cannot produce a URL
/// for someone else to send. The canonical request follows AWS's
/// "Authenticating Requests: Using Query Parameters"; tests check it against
/// AWS's published example and against botocore's output.
struct S3Presigner: Sendable {
    let region: String
    let accessKey: String
    let secretKey: String

    /// - Parameters:
    ///   - baseURL: `scheme://host[:port]`, as the client will connect.
    ///   - hostHeader: the `Host` the client will send (port only if not the default).
    ///   - path: the encoded path (`/bucket/key` or `/key`).
    func presignGET(baseURL: String, hostHeader: String, path: String, expiresSeconds: Int64, now: Date) -> URL? {
        let (date, day) = Self.timestamps(now)
        let scope = "\(day)/\(region)/s3/aws4_request"
        let query: [(String, String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(accessKey)/\(scope)"),
            ("X-Amz-Date", date),
            ("X-Amz-Expires", String(expiresSeconds)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        let canonicalQuery = String(S3Transfer.canonicalQuery(query).dropFirst())
        let canonicalRequest = [
            "GET", path, canonicalQuery, "host:\(hostHeader)", "", "host", "UNSIGNED-PAYLOAD",
        ].joined(separator: "\n")
        let stringToSign = [
            "AWS4-HMAC-SHA256", date, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secretKey)".utf8))
        for part in [day, region, "s3", "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return URL(string: "\(baseURL)\(path)?\(canonicalQuery)&X-Amz-Signature=\(signature)")
    }

    /// `20130524T000000Z` and `20130524`, in UTC.
    static func timestamps(_ date: Date) -> (String, String) {
        (UTCDate.compactTimestamp(date), UTCDate.compactDay(date))
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
