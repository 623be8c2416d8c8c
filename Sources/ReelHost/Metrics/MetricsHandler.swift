/// The metrics listener (REEL_METRICS_ADDR): `GET /metrics` in the
/// Prometheus text format, nothing else.
struct MetricsHandler: HTTPHandler {
    let metrics: HostMetrics

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        guard request.path == "/metrics" else {
            return respond(.error(.notFound("no route \(request.path) (this listener serves /metrics)"),
                                  requestId: request.requestId))
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return respond(.error(.methodNotAllowed(request.method, allowed: ["GET"]), requestId: request.requestId))
        }
        respond(.bytes(200, contentType: "text/plain; version=0.0.4; charset=utf-8", metrics.exposition()))
    }
}
