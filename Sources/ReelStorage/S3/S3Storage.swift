import ReelConcurrency
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Objects in a bucket of an S3-compatible server, through libcurl (which
/// signs every request with SigV4: `CURLOPT_AWS_SIGV4`).
///
/// - Transfers block one of the storage's own threads (`threads`, default
///   4), bridged to async with continuations; idle connections are reused.
/// - Objects larger than `partSize` (default 8 MiB, at least 5 MiB) are
///   uploaded with multipart upload, part by part from the file, so memory
///   stays flat; an upload that fails is aborted on the server.
/// - `makeWriter` spools the chunks to an unlinked temporary file in
///   `spoolDirectory` (so `append` never waits for the network and the object
///   is never held in memory) and uploads it in `finish()`.
/// - No retries: a failed request throws `StorageError.s3`/`.transport`.
public final class S3Storage: ObjectStorage {
    public let endpoint: URL
    public let region: String
    public let bucket: String
    public let pathStyle: Bool
    public let partSize: Int
    let spoolDirectory: String
    let threads: BlockingThreads
    let transfer: S3Transfer
    let presigner: S3Presigner
    /// `scheme://host[:port]` of requests (with the bucket for virtual-hosted style).
    let baseURL: String
    let hostHeader: String

    public init(endpoint: URL, region: String, bucket: String, accessKey: String, secretKey: String,
                pathStyle: Bool = true, partSize: Int = 8 << 20, spoolDirectory: URL? = nil,
                threads: Int = 4) throws {
        guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = endpoint.host, !host.isEmpty else {
            throw StorageError.configuration("the S3 endpoint must be an http(s) URL with a host, got \(endpoint)")
        }
        guard endpoint.path.isEmpty || endpoint.path == "/", endpoint.query == nil else {
            throw StorageError.configuration("the S3 endpoint must not have a path or query, got \(endpoint)")
        }
        guard Self.isValidBucketName(bucket) else {
            throw StorageError.configuration("invalid bucket name \"\(bucket)\" (3-63 of a-z 0-9 . -)")
        }
        guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw StorageError.configuration("invalid S3 region \"\(region)\"")
        }
        guard !accessKey.isEmpty, !secretKey.isEmpty else {
            throw StorageError.configuration("the S3 access key and secret key are required")
        }
        guard partSize >= 5 << 20 else {
            throw StorageError.configuration("the multipart part size must be at least 5 MiB (S3's minimum)")
        }
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.pathStyle = pathStyle
        self.partSize = partSize
        self.spoolDirectory = (spoolDirectory ?? FileManager.default.temporaryDirectory).path
        self.threads = BlockingThreads(name: "reel-s3", limit: threads)

        let isDefaultPort = endpoint.port == nil || (scheme == "http" && endpoint.port == 80)
            || (scheme == "https" && endpoint.port == 443)
        let hostName = pathStyle ? host : "\(bucket).\(host)"
        let bracketed = hostName.contains(":") ? "[\(hostName)]" : hostName  // IPv6 literal
        hostHeader = isDefaultPort ? bracketed : "\(bracketed):\(endpoint.port!)"
        baseURL = "\(scheme)://\(hostHeader)"
        transfer = S3Transfer(baseURL: baseURL, sigV4: "aws:amz:\(region):s3", accessKey: accessKey,
                              secretKey: secretKey, handles: CurlHandlePool(limit: max(threads, 1)))
        presigner = S3Presigner(region: region, accessKey: accessKey, secretKey: secretKey)
    }

    // MARK: Requests

    var bucketPath: String { pathStyle ? "/\(bucket)" : "/" }

    func objectPath(_ key: String) -> String {
        (pathStyle ? "/\(bucket)/" : "/") + AWSURIEncoding.encode(key, keepSlash: true)
    }

    /// Performs a request that must answer 2xx, with no error document.
    @discardableResult
    func send(_ request: S3Request, operation: String, key: String) throws -> S3Response {
        let response = try transfer.perform(request, operation: operation, key: key)
        guard (200..<300).contains(response.status), S3XML.error(in: response.body) == nil else {
            throw failure(response, operation: operation, key: key)
        }
        return response
    }

    func failure(_ response: S3Response, operation: String, key: String) -> StorageError {
        if response.status == 404 && (operation == "GET" || operation == "HEAD") { return .notFound(key: key) }
        let error = S3XML.error(in: response.body)
        return .s3(operation: operation, key: key, status: response.status,
                   code: error?.code ?? S3StatusName.reason(response.status),
                   message: error?.message ?? "")
    }

    static func isValidBucketName(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 }
            && name.first != "-" && name.first != "." && name.last != "-" && name.last != "."
    }
}

/// Short reasons for statuses that come without an S3 error document (HEAD).
enum S3StatusName {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 409: return "Conflict"
        case 412: return "PreconditionFailed"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }
}
