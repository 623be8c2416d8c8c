extension HTTPResponse {
    /// Wraps `respond` so every answer carries the route template that took
    /// the request (the metrics' `http_route` label, never the raw path).
    static func routed(_ route: String, _ respond: @escaping @Sendable (HTTPResponse) -> Void)
        -> @Sendable (HTTPResponse) -> Void {
        { response in
            var tagged = response
            tagged.route = route
            respond(tagged)
        }
    }
}
