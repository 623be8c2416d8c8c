import Foundation

/// GET /api/v1/host/plugins (admin): what is loaded — name, version,
/// generation (1 for the first load, +1 per hot swap) and sha256 — for the
/// web client's admin console. The same list as the operator's
/// GET /admin/plugins, but on the public listener behind an admin token;
/// read-only (reloading stays on the operator's loopback listener).
struct HostPluginsHandler: Sendable {
    static let path = "/api/v1/host/plugins"

    let registry: PluginRegistry
    let authGuard: AuthGuard

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let requestId = request.requestId
        guard request.method == "GET" else {
            return respond(.error(.methodNotAllowed(request.method, allowed: ["GET"]), requestId: requestId))
        }
        let registry = self.registry, authGuard = self.authGuard
        Task {
            do throws(APIError) {
                let caller = try await authGuard.authenticate(request)
                try authGuard.authorize(caller, for: .admin)
            } catch {
                return respond(.error(error, requestId: requestId))
            }
            let list: [[String: Any]] = registry.all.map {
                ["name": $0.name, "version": $0.version, "generation": $0.number, "sha256": $0.sha256]
            }
            respond(.json(200, ["plugins": list]))
        }
    }
}
