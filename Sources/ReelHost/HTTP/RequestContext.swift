import CMicroHTTPD
import Foundation
import Synchronization

/// The state of one request on one connection, from its headers to the
/// moment libmicrohttpd reports it completed. Shared between a polling thread
/// and whichever thread answers, so every field is guarded by `lock` (a
/// `Mutex`: no allocation per request, unlike an NSLock and its mutex).
final class RequestContext: @unchecked Sendable {
    let connection: OpaquePointer
    let method: String
    let path: String
    let requestId: String
    let remoteAddress: String
    let startedNanos: UInt64
    /// W3C trace context: the caller's trace continued, or a new one.
    let trace: TraceContext

    private let lock = Mutex(())
    private var _body: [UInt8] = []
    private var _response: HTTPResponse?
    private var _suspended = false
    private var _dispatched = false
    private var _queued = false
    private var _finished = false
    /// Set when the body goes to a plugin chunk by chunk.
    var exchange: StreamingExchange?
    /// The request as read with its headers (no body yet), kept for the
    /// handler until the body is complete. Only the connection's polling
    /// thread touches it.
    var head: HTTPRequest?
    /// A GET the shared cache missed: its answer may be kept (polling thread only).
    var cacheTicket: ResponseCache.Ticket?
    private var _exchangeState = ExchangeState.none
    enum ExchangeState { case none, streaming, stopped, ended }
    private(set) var sentStatus = 0
    private(set) var sentBytes = 0
    private(set) var servedBy: String?
    private(set) var route: String?

    init(connection: OpaquePointer, method: String, path: String, requestId: String, remoteAddress: String,
         trace: TraceContext = .accept(traceparent: nil, tracestate: nil)) {
        self.trace = trace
        self.connection = connection
        self.method = method
        self.path = path
        self.requestId = requestId
        self.remoteAddress = remoteAddress
        self.startedNanos = DispatchTime.now().uptimeNanoseconds
    }

    var bodyCount: Int { lock.withLock { _ in _body.count } }
    private var _received = 0
    /// Counts streamed body bytes; returns the total so far.
    func addReceived(_ count: Int) -> Int { lock.withLock { _ in _received += count; return _received } }
    var hasResponse: Bool { lock.withLock { _ in _response != nil } }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        lock.withLock { _ in _body.append(contentsOf: bytes); _received += bytes.count }
    }
    /// Body bytes received so far (buffered or streamed).
    var receivedBytes: Int { lock.withLock { _ in _received } }

    func takeBody() -> [UInt8] { lock.withLock { _ in let b = _body; _body = []; return b } }

    /// Marks the request dispatched; false if it already was.
    func markDispatched() -> Bool {
        lock.withLock { _ in
            if _dispatched { return false }
            _dispatched = true
            return true
        }
    }

    /// Sets the response unless one is already set (the first answer wins).
    func setResponse(_ response: HTTPResponse) {
        let dropped: HTTPResponse? = lock.withLock { _ in
            if _response == nil { _response = response; return nil }
            return response
        }
        dropped?.discard()
    }

    var exchangeState: ExchangeState {
        get { lock.withLock { _ in _exchangeState } }
        set { lock.withLock { _ in _exchangeState = newValue } }
    }

    /// Marks the exchange ended; true only the first time.
    func endExchange() -> Bool {
        lock.withLock { _ in
            if _exchangeState == .ended || _exchangeState == .none { return false }
            _exchangeState = .ended
            return true
        }
    }

    /// Marks the response handed to libmicrohttpd (which then owns its file).
    func markQueued() { lock.withLock { _ in _queued = true } }

    /// The request is over (sent, or the client left): closes the file of a
    /// response that was never queued; later answers are dropped.
    func finish() {
        let unsent: HTTPResponse? = lock.withLock { _ in
            _finished = true
            return _queued ? nil : _response
        }
        unsent?.discard()
    }

    /// Called from the answering thread: stores the response and wakes the
    /// connection if the polling thread already suspended it.
    func complete(_ response: HTTPResponse) {
        let dropped: HTTPResponse? = lock.withLock { _ in
            var dropped: HTTPResponse?
            if _response == nil && !_finished { _response = response } else { dropped = response }
            if _suspended {
                _suspended = false
                MHD_resume_connection(connection)
            }
            return dropped
        }
        dropped?.discard()
    }

    /// Called on the polling thread: returns the response if there is one,
    /// otherwise suspends the connection until `complete` resumes it —
    /// unless the server is closing (`live` then gives the answer).
    func responseOrSuspend(unless live: LiveRequests) -> HTTPResponse? {
        lock.withLock { _ in
            if let r = _response { return r }
            if let refusal = live.refusalIfClosed(self) {
                _response = refusal
                return refusal
            }
            _suspended = true
            MHD_suspend_connection(connection)
            return nil
        }
    }

    /// Answers a request that has no answer yet and is not over (a stop's
    /// 503); true if this answer was taken.
    func completeIfUnanswered(_ response: HTTPResponse) -> Bool {
        let taken: Bool = lock.withLock { _ in
            guard _response == nil && !_finished else { return false }
            _response = response
            if _suspended {
                _suspended = false
                MHD_resume_connection(connection)
            }
            return true
        }
        if !taken { response.discard() }
        return taken
    }

    func recordSent(status: Int, bytes: Int, servedBy: String?, route: String?) {
        lock.withLock { _ in
            self.route = route
            sentStatus = status
            sentBytes = bytes
            self.servedBy = servedBy
        }
    }

    var isSuspended: Bool { lock.withLock { _ in _suspended } }
}
