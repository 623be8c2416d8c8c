import CReelABI
import Foundation

/// A raw HTTP route of a Swift plugin (ABI 1.2): for uploads streamed chunk
/// by chunk, custom statuses and headers, and files sent with sendfile.
public struct HTTPRoute<Service: Sendable>: Sendable {
    /// Called before any body byte. Reply through the responder and return
    /// nil to refuse the body, or return a receiver to get it.
    public typealias Begin = @Sendable (Service, HTTPRequestHead, HTTPResponder) -> HTTPBodyReceiver?
    let httpMethod: String
    let path: String
    let access: Access
    let maxBodyBytes: UInt64
    /// ABI 1.3: `POST /rpc/<method>` of a server-streaming method; the host
    /// speaks Connect streaming (the body is the unwrapped input message;
    /// answer with `startStream`, then `HTTPStream.writeMessage` and `finish`).
    let connectStream: Bool
    let begin: Begin

    public init(_ httpMethod: String, _ path: String, access: Access, maxBodyBytes: UInt64 = 0, connectStream: Bool = false,
                _ begin: @escaping Begin) {
        self.httpMethod = httpMethod
        self.path = path
        self.access = access
        self.maxBodyBytes = maxBodyBytes
        self.connectStream = connectStream
        self.begin = begin
    }
}

/// The head of a raw HTTP request, copied out of the host's reel_http_request.
public struct HTTPRequestHead: Sendable {
    public let method: String
    /// Raw (percent-encoded) path and query.
    public let path: String
    public let query: String
    /// Header names are lower-case.
    public let headers: [String: String]
    /// Decoded `{name}` path parameters.
    public let parameters: [String: String]
    /// nil when the body is chunked.
    public let contentLength: Int64?
    public let requestId: String
    public let callerUserId: String
    public let callerRole: String
    public let clientAddress: String

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Receives a request body chunk by chunk, on a host I/O thread: store each
/// chunk and return quickly. `finish` comes once, after the last chunk or
/// when the client went away (aborted); reply by then if not done already.
public protocol HTTPBodyReceiver: AnyObject, Sendable {
    /// False stops the body (the rest is discarded; `finish` follows).
    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool
    func finish(aborted: Bool)
}

/// Answers one raw HTTP request, exactly once, from any thread.
public final class HTTPResponder: @unchecked Sendable {
    private let host: PluginHost
    private let token: UInt
    /// The request's id, carried in error bodies.
    public let requestId: String
    private let lock = NSLock()
    private var answered = false

    init(host: PluginHost, token: UInt, requestId: String = "") {
        self.host = host
        self.token = token
        self.requestId = requestId
    }

    private func claim() -> Bool {
        lock.withLock {
            if answered { return false }
            answered = true
            return true
        }
    }

    public var hasAnswered: Bool { lock.withLock { answered } }

    public func reply(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        guard claim(), let reply = host.api.pointee.http_reply else { return }
        withCHeaders(headers) { pointer, count in
            body.withUnsafeBufferPointer {
                reply(OpaquePointer(bitPattern: token), Int32(status), pointer, count, $0.baseAddress, $0.count)
            }
        }
    }

    /// Answers with a body written over time (ABI 1.3: Server-Sent Events,
    /// server streaming): status and headers now, then `HTTPStream.write`
    /// from any thread. nil if the request was already answered or the host
    /// is older than 1.3.
    public func startStream(status: Int, headers: [(String, String)] = [],
                            onClose: @escaping @Sendable () -> Void) -> HTTPStream? {
        guard host.api.pointee.abi_minor >= 3, let start = host.api.pointee.http_stream_start, claim() else { return nil }
        let stream = HTTPStream(host: host, token: token, onClose: onClose)
        HTTPStreams.shared.add(stream, token: token)
        var result: Int32 = REEL_STREAM_CLOSED
        withCHeaders(headers) { pointer, count in result = start(OpaquePointer(bitPattern: token), Int32(status), pointer, count) }
        guard result == REEL_STREAM_OK else {
            HTTPStreams.shared.remove(token: token)
            return nil
        }
        return stream
    }

    /// A JSON error in the web API's shape {"error": {"code", "message", "requestId"}}
    /// (ErrorBody: the bytes the host and C plugins answer with). `code` is a
    /// Connect code name ("not_found") or a more specific one the route
    /// documents ("quota_exceeded").
    public func replyError(status: Int, code: String, message: String, headers: [(String, String)] = []) {
        let body = ErrorBody.json(code: code, message: message, requestId: requestId)
        reply(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// `error`'s HTTP status and body (ReelABI's HTTPError: one mapping for
    /// every raw route).
    public func replyError(_ error: HTTPError, message: String, headers: [(String, String)] = []) {
        let body = ErrorBody.json(for: error, message: message, requestId: requestId)
        reply(status: error.httpStatus, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// `error` in the web API's shape, with its status's HTTP status unless
    /// `httpStatus` says otherwise (412, 416, ...).
    public func replyError(_ error: PluginError, httpStatus: Int? = nil, headers: [(String, String)] = []) {
        let body = ErrorBody.json(error.status, message: error.message, requestId: requestId)
        reply(status: httpStatus ?? error.httpStatus, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// Sends `length` bytes of `fd` from `offset` (sendfile); the host closes `fd`.
    public func replyFile(status: Int, headers: [(String, String)] = [], fd: Int32, offset: UInt64, length: UInt64) {
        guard claim(), let reply = host.api.pointee.http_reply_fd else {
            close(fd)
            return
        }
        withCHeaders(headers) { pointer, count in
            reply(OpaquePointer(bitPattern: token), Int32(status), pointer, count, fd, offset, length)
        }
    }

    /// The headers as C strings for the call: every name and value in one
    /// buffer, NUL-terminated (one allocation, not two per header).
    private func withCHeaders(_ headers: [(String, String)], _ body: (UnsafePointer<reel_http_header>?, Int) -> Void) {
        guard !headers.isEmpty else { return body(nil, 0) }
        // Bytes appended from each string's UTF-8 in one go (a media answer
        // has seven headers; mapping them byte by byte showed in profiles).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 2 })
        var offsets: [(Int, Int)] = []
        offsets.reserveCapacity(headers.count)
        for (name, value) in headers {
            let nameAt = bytes.count
            bytes.append(contentsOf: name.utf8)
            bytes.append(0)
            let valueAt = bytes.count
            bytes.append(contentsOf: value.utf8)
            bytes.append(0)
            offsets.append((nameAt, valueAt))
        }
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                let base = chars.baseAddress!
                let array = offsets.map { reel_http_header(name: base + $0.0, value: base + $0.1) }
                array.withUnsafeBufferPointer { body($0.baseAddress, $0.count) }
            }
        }
    }
}

/// What the kit keeps per streaming exchange (the C side's exchange_state).
final class HTTPExchangeBox {
    let receiver: HTTPBodyReceiver
    init(_ receiver: HTTPBodyReceiver) { self.receiver = receiver }
}

extension HTTPRequestHead {
    init(_ r: reel_http_request) {
        func string(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        func pairs(_ list: UnsafePointer<reel_http_header>?, _ count: Int) -> [String: String] {
            guard let list else { return [:] }
            var result: [String: String] = [:]
            for i in 0..<count { result[string(list[i].name)] = string(list[i].value) }
            return result
        }
        method = string(r.method)
        path = string(r.path)
        query = string(r.query)
        headers = pairs(r.headers, r.header_count)
        parameters = pairs(r.params, r.param_count)
        contentLength = r.content_length >= 0 ? r.content_length : nil
        requestId = string(r.request_id)
        callerUserId = string(r.caller_user_id)
        callerRole = string(r.caller_role)
        clientAddress = string(r.client_address)
    }
}
