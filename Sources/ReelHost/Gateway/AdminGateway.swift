/// The operator's listener (`REEL_ADMIN_ADDR`, loopback only): the admin
/// routes and the health checks, nothing else. The public listener answers
/// 404 for `/admin/...`, so a reverse proxy in front of it cannot reach them.
final class AdminGateway: HTTPHandler, Sendable {
    let admin: AdminHandler
    let health: HealthHandler

    init(admin: AdminHandler, health: HealthHandler) {
        self.admin = admin
        self.health = health
    }

    static func isAdminPath(_ path: String) -> Bool { path == "/admin" || path.hasPrefix("/admin/") }

    /// `GET /admin` (exactly) on the public listener is the web console's page
    /// (a plugin route); every `/admin/...` path stays on the operator's listener.
    static func isConsolePage(_ path: String, method: String) -> Bool {
        path == "/admin" && (method == "GET" || method == "HEAD")
    }

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        if HealthHandler.isHealth(request.path) {
            health.handle(request, respond: respond)
        } else if Self.isAdminPath(request.path) {
            admin.handle(request, respond: respond)
        } else {
            respond(.error(.notFound("the admin listener answers /admin/... only"), requestId: request.requestId))
        }
    }
}
