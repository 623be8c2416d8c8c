import Foundation

/// GET /livez (and its older name /healthz): the process serves — a liveness
/// probe, never failed by the database. GET /readyz: the database answers and
/// the plugins are loaded (with their versions), else 503 — a process whose
/// database is away is alive and not ready.
struct HealthHandler: Sendable {
    let registry: PluginRegistry
    /// Answers whether the database is reachable; nil when none is configured.
    let databasePing: (@Sendable () async -> Bool)?

    /// "/livez" or "/healthz" (string comparisons: no hashing on every request).
    static func isLiveness(_ path: String) -> Bool { path == "/livez" || path == "/healthz" }
    /// A liveness path or "/readyz".
    static func isHealth(_ path: String) -> Bool { isLiveness(path) || path == "/readyz" }
    /// The liveness answer, encoded once (probes call it often).
    static let alive = Array(#"{"status":"ok"}"#.utf8)
    /// The liveness response, made once: copies share its header list and body.
    static let aliveResponse = HTTPResponse.bytes(200, contentType: "application/json", alive)

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        guard request.method == "GET" || request.method == "HEAD" else {
            return respond(.error(.methodNotAllowed(request.method, allowed: ["GET"]), requestId: request.requestId))
        }
        if HealthHandler.isLiveness(request.path) {
            return respond(Self.aliveResponse)
        }
        let plugins: [[String: Any]] = registry.all.map { generation in
            ["name": generation.name, "version": generation.version, "generation": generation.number,
             "sha256": generation.sha256, "file": URL(fileURLWithPath: generation.file).lastPathComponent,
             "methods": generation.methods.map(\.name), "inFlight": generation.inFlightCount]
        }
        let pluginsText = (try? JSONSerialization.data(withJSONObject: plugins, options: [.sortedKeys])) ?? Data("[]".utf8)
        let pluginCount = plugins.count
        let ping = databasePing
        Task {
            let database: String
            if let ping { database = await ping() ? "ok" : "unreachable" } else { database = "not configured" }
            let ready = database == "ok" && pluginCount > 0
            let text = "{\"status\":\"\(ready ? "ready" : "not ready")\",\"database\":\"\(database)\",\"plugins\":"
                + String(decoding: pluginsText, as: UTF8.self) + "}"
            respond(.jsonText(ready ? 200 : 503, text))
        }
    }
}
