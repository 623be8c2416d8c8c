import CMicroHTTPD
import Foundation

/// The state of one request on one connection, from its headers to the
/// moment libmicrohttpd reports it completed. Shared between a polling thread
/// and whichever thread answers, so every field is guarded by `lock`.
final class RequestContext: @unchecked Sendable {
    let connection: OpaquePointer
    let method: String
    let path: String
    let requestId: String
    let remoteAddress: String
    let startedNanos: UInt64

    private let lock = NSLock()
    private var _body: [UInt8] = []
    private var _response: HTTPResponse?
    private var _suspended = false
    private var _dispatched = false
    private(set) var sentStatus = 0
    private(set) var sentBytes = 0
    private(set) var servedBy: String?

    init(connection: OpaquePointer, method: String, path: String, requestId: String, remoteAddress: String) {
        self.connection = connection
        self.method = method
        self.path = path
        self.requestId = requestId
        self.remoteAddress = remoteAddress
        self.startedNanos = DispatchTime.now().uptimeNanoseconds
    }

    var bodyCount: Int { lock.withLock { _body.count } }
    var hasResponse: Bool { lock.withLock { _response != nil } }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) { lock.withLock { _body.append(contentsOf: bytes) } }

    func takeBody() -> [UInt8] { lock.withLock { let b = _body; _body = []; return b } }

    /// Marks the request dispatched; false if it already was.
    func markDispatched() -> Bool {
        lock.withLock {
            if _dispatched { return false }
            _dispatched = true
            return true
        }
    }

    /// Sets the response unless one is already set (the first answer wins).
    func setResponse(_ response: HTTPResponse) {
        lock.withLock { if _response == nil { _response = response } }
    }

    /// Called from the answering thread: stores the response and wakes the
    /// connection if the polling thread already suspended it.
    func complete(_ response: HTTPResponse) {
        lock.withLock {
            if _response == nil { _response = response }
            if _suspended {
                _suspended = false
                MHD_resume_connection(connection)
            }
        }
    }

    /// Called on the polling thread: returns the response if there is one,
    /// otherwise suspends the connection until `complete` resumes it.
    func responseOrSuspend() -> HTTPResponse? {
        lock.withLock {
            if let r = _response { return r }
            _suspended = true
            MHD_suspend_connection(connection)
            return nil
        }
    }

    func recordSent(status: Int, bytes: Int, servedBy: String?) {
        lock.withLock {
            sentStatus = status
            sentBytes = bytes
            self.servedBy = servedBy
        }
    }

    var isSuspended: Bool { lock.withLock { _suspended } }
}
