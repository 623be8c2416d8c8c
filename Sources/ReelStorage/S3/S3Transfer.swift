import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One S3 HTTP request, before signing: libcurl signs it
/// (`CURLOPT_AWS_SIGV4`), with the payload declared `UNSIGNED-PAYLOAD`.
struct S3Request: Sendable {
    enum Body: Sendable {
        case none
        case data(Data)
        /// `length` bytes of an open file from `offset` (read with pread).
        case file(fd: Int32, offset: Int64, length: Int64)
    }

    var method: String
    /// Already percent-encoded, starting with `/`.
    var path: String
    /// Sorted and encoded by `S3Transfer` (libcurl 7.88 signs the query
    /// string exactly as given, so it must already be in canonical form).
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var body: Body = .none
}

struct S3Response: Sendable {
    var status: Int
    /// Names lowercased.
    var headers: [String: String]
    var body: Data
}

/// Runs `S3Request`s with libcurl, blocking the calling thread (one of the
/// storage's own threads).
struct S3Transfer: Sendable {
    let baseURL: String
    let sigV4: String
    let accessKey: String
    let secretKey: String
    let handles: CurlHandlePool

    func perform(_ request: S3Request, operation: String, key: String) throws(StorageError) -> S3Response {
        let context = TransferContext(body: request.body)
        let url = baseURL + request.path + Self.canonicalQuery(request.query)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        // Real S3 requires x-amz-content-sha256 with SigV4; libcurl 7.88 signs
        // the value given here as the payload hash. No "Expect:" removal
        // header: libcurl 7.88 would sign it although it is never sent.
        let headers = ["x-amz-content-sha256: UNSIGNED-PAYLOAD"] + request.headers.map { "\($0.0): \($0.1)" }
        for header in headers { headerList = curl_slist_append(headerList, header) }

        let outcome: Result<S3Response, StorageError>
        do {
            outcome = try handles.withHandle { handle -> Result<S3Response, StorageError> in
                let curl = handle.raw
                var setup = CURLE_OK
                func set(_ code: CURLcode) { if setup == CURLE_OK { setup = code } }
                set(reel_curl_set_string(curl, CURLOPT_URL, url))
                set(reel_curl_set_long(curl, CURLOPT_NOSIGNAL, 1))
                set(reel_curl_set_string(curl, CURLOPT_PROTOCOLS_STR, "http,https"))
                set(reel_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, 10_000))
                // Abort a transfer that moves less than 1 byte/s for 60 s.
                set(reel_curl_set_long(curl, CURLOPT_LOW_SPEED_LIMIT, 1))
                set(reel_curl_set_long(curl, CURLOPT_LOW_SPEED_TIME, 60))
                set(reel_curl_set_string(curl, CURLOPT_AWS_SIGV4, sigV4))
                set(reel_curl_set_string(curl, CURLOPT_USERNAME, accessKey))
                set(reel_curl_set_string(curl, CURLOPT_PASSWORD, secretKey))
                set(reel_curl_set_headers(curl, headerList))
                let opaque = Unmanaged.passUnretained(context).toOpaque()
                set(reel_curl_set_write(curl, transferWriteCallback, opaque))
                set(reel_curl_set_header_callback(curl, transferHeaderCallback, opaque))
                set(reel_curl_set_read(curl, transferReadCallback, opaque))
                let length = context.bodyLength
                switch request.method {
                case "GET":
                    set(reel_curl_set_long(curl, CURLOPT_HTTPGET, 1))
                case "HEAD":
                    set(reel_curl_set_long(curl, CURLOPT_NOBODY, 1))
                case "PUT":
                    set(reel_curl_set_long(curl, CURLOPT_UPLOAD, 1))
                    set(reel_curl_set_offset(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(length)))
                case "POST":
                    set(reel_curl_set_long(curl, CURLOPT_POST, 1))
                    set(reel_curl_set_offset(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(length)))
                default:
                    set(reel_curl_set_string(curl, CURLOPT_CUSTOMREQUEST, request.method))
                }
                guard setup == CURLE_OK else {
                    return .failure(.transport(operation: operation, key: key, curlCode: Int32(setup.rawValue),
                                               message: String(cString: curl_easy_strerror(setup))))
                }
                let code = curl_easy_perform(curl)
                guard code == CURLE_OK else {
                    let message = context.failure ?? String(cString: curl_easy_strerror(code))
                    return .failure(.transport(operation: operation, key: key, curlCode: Int32(code.rawValue),
                                               message: message))
                }
                var status = 0
                _ = reel_curl_response_code(curl, &status)
                return .success(S3Response(status: status, headers: context.responseHeaders, body: context.responseBody))
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw .transport(operation: operation, key: key, curlCode: -1, message: "\(error)")
        }
        return try outcome.get()
    }

    /// Sorted by name, every name with `=`, names and values encoded as
    /// SigV4 wants: the URL's query string is then its own canonical form.
    static func canonicalQuery(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        let encoded = items.map { (AWSURIEncoding.encode($0.0), AWSURIEncoding.encode($0.1)) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        return "?" + encoded.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}
