import Foundation

/// The API gateway: every outside request enters here and is routed to the
/// health checks, the admin routes, the binary protocol (/rpc) or a plugin's
/// JSON route. JSON routes and /rpc both end in `Bus.invoke`, so the web and
/// mobile clients reach exactly the same plugin handler.
public final class Gateway: HTTPHandler, @unchecked Sendable {
    let registry: PluginRegistry
    let bus: Bus
    let authGuard: AuthGuard
    let health: HealthHandler
    let admin: AdminHandler

    init(registry: PluginRegistry, bus: Bus, authGuard: AuthGuard, health: HealthHandler, admin: AdminHandler) {
        self.registry = registry
        self.bus = bus
        self.authGuard = authGuard
        self.health = health
        self.admin = admin
    }

    public func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let path = request.path
        if path == "/healthz" || path == "/readyz" {
            health.handle(request, respond: respond)
        } else if path.hasPrefix("/rpc/") {
            ConnectHandler(gateway: self).handle(request, respond: respond)
        } else if path.hasPrefix("/admin/") {
            admin.handle(request, respond: respond)
        } else {
            JSONRouteHandler(gateway: self).handle(request, respond: respond)
        }
    }

    /// Authenticates the caller and checks `method`'s access requirement.
    func authorize(_ request: HTTPRequest, for method: MethodInfo) throws(APIError) -> Caller {
        let caller = try authGuard.authenticate(request)
        try authGuard.authorize(caller, for: method.access)
        return caller
    }
}
