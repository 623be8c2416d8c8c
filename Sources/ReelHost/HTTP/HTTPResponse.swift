import Foundation

/// One HTTP response: status, headers and a complete body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Send these bytes of an open regular file instead of `body` (sendfile).
    /// The response owns the descriptor: it is closed once sent or dropped.
    public var file: FileBody?
    /// A body written over time by a plugin (ABI 1.3), sent chunked.
    var stream: ResponseStream?
    /// The route template that answered ("/api/v1/videos/{id}"), for metrics;
    /// never sent. nil: no route matched.
    public var route: String?
    /// Set by the gateway when the route needs no credentials and the caller
    /// sent none: the answer may go into the shared cache (ResponseCache) if
    /// its own Cache-Control allows. Never sent.
    var shareable = false

    public struct FileBody: Sendable {
        public let fd: Int32
        public let offset: UInt64
        public let length: UInt64
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], file: FileBody? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.file = file
    }

    /// This response with `Connection: close` (the connection ends after it).
    var closingConnection: HTTPResponse {
        var copy = self
        copy.headers.append(("Connection", "close"))
        return copy
    }

    /// Closes the file of a response that will never be sent (and ends its stream).
    func discard() {
        if let file { close(file.fd) }
        stream?.release()
    }

    public func header(_ name: String) -> String? {
        headers.last { HeaderName.equal($0.name, name) }?.value
    }

    public static func bytes(_ status: Int, contentType: String, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: body)
    }

    /// A JSON response from an already-encoded JSON text.
    public static func jsonText(_ status: Int, _ text: String) -> HTTPResponse {
        bytes(status, contentType: "application/json", Array(text.utf8))
    }

    /// A JSON response from a JSON-compatible value (dictionaries, arrays, strings, numbers).
    public static func json(_ status: Int, _ object: Any) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return bytes(status, contentType: "application/json", Array(data))
    }

    /// The web API's error shape: {"error": {"code", "message", "requestId"}}.
    public static func error(_ error: APIError, requestId: String) -> HTTPResponse {
        var response = bytes(error.effectiveHTTPStatus, contentType: "application/json",
                             ErrorBody.json(error.status, message: error.message, requestId: requestId))
        if error.effectiveHTTPStatus == 401 {
            response.headers.append(("WWW-Authenticate", "Bearer realm=\"reel\""))
        }
        if error.effectiveHTTPStatus == 405, let allow = error.message.components(separatedBy: "allowed: ").last {
            response.headers.append(("Allow", allow))
        }
        return response
    }
}

/// Header names compared as HTTP does (ASCII, case-insensitive) without
/// lower-casing copies: a response's headers are looked up several times
/// on every request.
enum HeaderName {
    static func equal(_ a: String, _ b: String) -> Bool {
        // Sizes first (no bytes looked at): most names compared differ in size.
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                for i in 0..<x.count where x[i] != y[i] {
                    // Letters differ only in bit 0x20; anything else must match exactly.
                    let l = x[i] | 0x20
                    guard l == y[i] | 0x20, l >= UInt8(ascii: "a"), l <= UInt8(ascii: "z") else { return false }
                }
                return true
            }
        }
    }
}
