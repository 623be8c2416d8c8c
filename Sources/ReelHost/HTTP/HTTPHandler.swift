/// What the HTTP server hands complete requests to. `respond` may be called
/// on any thread, exactly once; the connection waits (suspended, not blocking
/// a polling thread) until it is.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void)
}
