/// The server's two calls into the shared cache (ResponseCache): where a
/// request starts and where its answer is queued.
extension HTTPServer {
    /// Before routing: a stored answer becomes the request's response (sent
    /// at libmicrohttpd's next call, as any answer to a bodyless request); a
    /// miss leaves the context a ticket to keep the answer with.
    /// A miss's If-None-Match (and If-Modified-Since) are taken off `headers`:
    /// the plugin answers in full, and the cache answers the condition.
    func answeredFromCache(_ context: RequestContext, headers: inout [String: String]) -> Bool {
        guard let responseCache else { return false }
        switch responseCache.lookup(method: context.method, path: context.path,
                                    rawQuery: Self.rawQuery(context.connection), headers: headers) {
        case .bypass: return false
        case .miss(let ticket):
            context.cacheTicket = ticket
            if ticket?.ifNoneMatch != nil {
                headers["if-none-match"] = nil
                headers["if-modified-since"] = nil
            }
            return false
        case .hit(let response):
            context.setResponse(response)
            return true
        }
    }

    /// Before queueing: the answer is kept if the rules allow (a small file
    /// is read into memory then, and the returned response carries the bytes).
    func keptInCache(_ response: HTTPResponse, context: RequestContext) -> HTTPResponse {
        guard let responseCache, let ticket = context.cacheTicket else { return response }
        context.cacheTicket = nil
        return responseCache.store(response, ticket: ticket)
    }
}
