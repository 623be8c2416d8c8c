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

    /// The headers as C strings for the call: every name and value copied
    /// once into one scratch block (on the stack when small), and the
    /// reel_http_header table beside it; nothing is allocated per header.
    private func withCHeaders(_ headers: [(String, String)], _ body: (UnsafePointer<reel_http_header>?, Int) -> Void) {
        guard !headers.isEmpty else { return body(nil, 0) }
        var total = 0
        for (name, value) in headers { total += name.utf8.count + value.utf8.count + 2 }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: total) { bytes in
            withUnsafeTemporaryAllocation(of: reel_http_header.self, capacity: headers.count) { table in
                guard let base = bytes.baseAddress, let rows = table.baseAddress else { return body(nil, 0) }
                var used = 0
                func put(_ text: String) -> UnsafePointer<CChar> {
                    var text = text
                    let start = base + used
                    text.withUTF8 { utf8 in
                        if let source = utf8.baseAddress { UnsafeMutableRawPointer(start).copyMemory(from: source, byteCount: utf8.count) }
                        used += utf8.count
                    }
                    base[used] = 0
                    used += 1
                    return UnsafePointer(start)
                }
                for (i, (name, value)) in headers.enumerated() {
                    let namePointer = put(name)
                    rows[i] = reel_http_header(name: namePointer, value: put(value))
                }
                body(UnsafePointer(rows), headers.count)
            }
        }
    }
}

/// What the kit keeps per streaming exchange (the C side's exchange_state).
final class HTTPExchangeBox {
    let receiver: HTTPBodyReceiver
    init(_ receiver: HTTPBodyReceiver) { self.receiver = receiver }
}
