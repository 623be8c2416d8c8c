import Foundation

/// The API gateway: every outside request enters here and is routed to the
/// health checks, the binary protocol (/rpc) or a plugin's JSON route (the
/// operator's /admin routes answer on their own listener, AdminGateway). JSON routes and /rpc both end in `Bus.invoke`, so the web and
/// mobile clients reach exactly the same plugin handler.
public final class Gateway: HTTPHandler, @unchecked Sendable {
    let registry: PluginRegistry
    let bus: Bus
    let authGuard: AuthGuard
    let health: HealthHandler
    let maxBodyBytes: Int

    init(registry: PluginRegistry, bus: Bus, authGuard: AuthGuard, health: HealthHandler, maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.registry = registry
        self.bus = bus
        self.authGuard = authGuard
        self.health = health
    }

    /// Checks the caller, then hands the call to the plugin. The generation is
    /// already entered; it leaves here on refusal, or when the plugin replies.
    /// `timeout` (seconds, e.g. Connect-Timeout-Ms) shortens the bus call's deadline.
    func authorizeAndInvoke(_ request: HTTPRequest, generation: PluginGeneration, method: MethodInfo, payload: [UInt8],
                            timeout: Double? = nil,
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
                              clientAddress: request.remoteAddress, timeout: timeout, trace: request.trace, completion: completion)
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
                       clientAddress: request.remoteAddress, timeout: timeout, trace: request.trace, completion: completion)
        }
    }

    public func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let path = request.path
        if HealthHandler.isHealth(path) {
            health.handle(request, respond: HTTPResponse.routed(path, respond))
        } else if path == OpenAPIDocument.path {
            let respond = HTTPResponse.routed(path, respond)
            guard request.method == "GET" || request.method == "HEAD" else {
                return respond(.error(.methodNotAllowed(request.method, allowed: ["GET"]), requestId: request.requestId))
            }
            respond(.bytes(200, contentType: "application/json", OpenAPIDocument.json(registry: registry)))
        } else if path.hasPrefix("/rpc/") {
            ConnectHandler(gateway: self).handle(request, respond: respond)
        } else if path == HostPluginsHandler.path {
            HostPluginsHandler(registry: registry, authGuard: authGuard).handle(request, respond: respond)
        } else if AdminGateway.isAdminPath(path) && !AdminGateway.isConsolePage(path, method: request.method) {
            // Not here: behind a proxy on this machine every client would look local.
            respond(.error(.notFound("no route \(path)"), requestId: request.requestId))
        } else {
            JSONRouteHandler(gateway: self).handle(request, respond: respond)
        }
    }

    /// Connect's error shape for /rpc, the web API's elsewhere.
    public func errorResponse(_ error: APIError, path: String, requestId: String) -> HTTPResponse {
        path.hasPrefix("/rpc/") ? ConnectHandler.errorResponse(error) : .error(error, requestId: requestId)
    }

    /// A plugin's raw HTTP route takes the request (and its body as a stream).
    public func begin(_ head: HTTPRequest) -> StreamingExchange? {
        guard case .found(let target, let parameters) = registry.acquireHTTPRoute(method: head.method, path: head.path) else {
            return nil
        }
        return PluginHTTPExchange(gateway: self, target: target, head: head, parameters: parameters,
                                  defaultMaxBodyBytes: maxBodyBytes)
    }

    /// The access check on an I/O thread, for raw HTTP routes: token
    /// verification is async, so this waits for it (it is CPU work, no I/O).
    func authorizeBlocking(_ request: HTTPRequest, for access: Access) throws(APIError) -> Caller {
        if request.header("authorization") == nil {
            try authGuard.authorize(.anonymous, for: access)
            return .anonymous
        }
        let done = DispatchSemaphore(value: 0)
        let outcome = ResultBox()
        let authGuard = self.authGuard
        Task {
            do throws(APIError) {
                let caller = try await authGuard.authenticate(request)
                try authGuard.authorize(caller, for: access)
                outcome.set(.success(caller))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }

    /// Authenticates the caller and checks `method`'s access requirement.
    func authorize(_ request: HTTPRequest, for method: MethodInfo) async throws(APIError) -> Caller {
        let caller = try await authGuard.authenticate(request)
        try authGuard.authorize(caller, for: method.access)
        return caller
    }
}

/// Carries an access check's outcome from a task to a waiting I/O thread.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Caller, APIError> = .failure(APIError(.internal, "no outcome"))
    func set(_ value: Result<Caller, APIError>) { lock.withLock { result = value } }
    func get() throws(APIError) -> Caller { try lock.withLock { result }.get() }
}
