/// What the HTTP server hands complete requests to. `respond` may be called
/// on any thread, exactly once; the connection waits (suspended, not blocking
/// a polling thread) until it is.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void)
    func begin(_ head: HTTPRequest) -> StreamingExchange?
    /// An error the server answers itself (body too large, shutting down),
    /// in the error shape of the protocol `path` belongs to.
    func errorResponse(_ error: APIError, path: String, requestId: String) -> HTTPResponse
}

/// A request whose body a plugin receives chunk by chunk (an upload) instead
/// of the host buffering it. All calls come from libmicrohttpd's threads, in
/// order: start, then body* (unless start refused), then end exactly once.
public protocol StreamingExchange: AnyObject, Sendable {
    /// Bodies larger than this are refused with 413 (before reading, when
    /// Content-Length says so).
    var maxBodyBytes: Int { get }
    /// Before any body byte. False: refused (a response was given to `respond`).
    func start(respond: @escaping @Sendable (HTTPResponse) -> Void) -> Bool
    /// One chunk; false stops the body (the rest is discarded).
    func body(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool
    /// The body is complete, or the client left (aborted) or the host refused it.
    func end(aborted: Bool)
}

extension HTTPHandler {
    /// The streaming exchange for a request, decided from its head (no body
    /// yet); nil to have the body buffered and `handle` called.
    public func begin(_ head: HTTPRequest) -> StreamingExchange? { nil }

    /// The web API's error shape.
    public func errorResponse(_ error: APIError, path: String, requestId: String) -> HTTPResponse {
        .error(error, requestId: requestId)
    }
}
