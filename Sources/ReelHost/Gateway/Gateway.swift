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

    /// Checks the caller, then hands the call to the plugin. The generation is
    /// already entered; it leaves here on refusal, or when the plugin replies.
    func authorizeAndInvoke(_ request: HTTPRequest, generation: PluginGeneration, method: MethodInfo, payload: [UInt8],
                            fail: @escaping @Sendable (APIError) -> Void,
                            completion: @escaping @Sendable (BusResult) -> Void) {
        // Fast path, no task hop: no credentials, so the caller is anonymous.
        if request.header("authorization") == nil {
            do throws(APIError) {
                try authGuard.authorize(.anonymous, for: method.access)
            } catch {
                generation.leave()
                return fail(error)
            }
            return bus.invoke(generation, method, payload: payload, caller: .anonymous, requestId: request.requestId,
                              clientAddress: request.remoteAddress, completion: completion)
        }
        Task {
            let caller: Caller
            do throws(APIError) {
                caller = try await authorize(request, for: method)
            } catch {
                generation.leave()
                return fail(error)
            }
            bus.invoke(generation, method, payload: payload, caller: caller, requestId: request.requestId,
                       clientAddress: request.remoteAddress, completion: completion)
        }
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
    func authorize(_ request: HTTPRequest, for method: MethodInfo) async throws(APIError) -> Caller {
        let caller = try await authGuard.authenticate(request)
        try authGuard.authorize(caller, for: method.access)
        return caller
    }
}
