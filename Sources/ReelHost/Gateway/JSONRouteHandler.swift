/// A plugin's JSON route: JSON body + query + path parameters become the
/// method's protobuf input, the protobuf output goes back as JSON.
struct JSONRouteHandler {
    let gateway: Gateway

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let requestId = request.requestId
        let fail: @Sendable (APIError) -> Void = { respond(.error($0, requestId: requestId)) }
        // Raw HTTP routes at the same path count for 405 (they did not take
        // this method); looked up only when no JSON route takes the request.
        let registry = gateway.registry
        switch registry.acquireRoute(method: request.method, path: request.path) {
        case .notFound:
            let rawAllowed = registry.httpMethodsAllowed(path: request.path)
            if rawAllowed.isEmpty { return fail(.notFound("no route for \(request.method) \(request.path)")) }
            return fail(.methodNotAllowed(request.method, allowed: rawAllowed))
        case .badPath: return fail(.badRequest("malformed path"))
        case .methodNotAllowed(let allowed):
            let rawAllowed = registry.httpMethodsAllowed(path: request.path)
            return fail(.methodNotAllowed(request.method, allowed: Array(Set(allowed + rawAllowed)).sorted()))
        case .found(let target, let parameters):
            // Every answer carries the route template (the metrics' label), set
            // where it is made: no wrapping closure per request.
            let template = target.route.pattern.description
            let fail: @Sendable (APIError) -> Void = { error in
                var response = HTTPResponse.error(error, requestId: requestId)
                response.route = template
                respond(response)
            }
            let generation = target.generation
            let payload: [UInt8]
            do {
                payload = try Self.inputPayload(request, target: target, parameters: parameters)
            } catch {
                generation.leave()
                return fail(error)
            }
            let route = target.route
            let output = target.method.output
            // A GET's 200 carries an entity tag (JSONEntityTag); a public
            // method's answer to an anonymous caller is the same for anyone:
            // it may be stored, revalidated every time (no-cache), and kept
            // by the gateway's cache when the method opts in (ResponseCache).
            let conditional = route.successStatus == 200 && (request.method == "GET" || request.method == "HEAD")
            let ifNoneMatch = conditional ? request.header("if-none-match") : nil
            let cacheControl = target.method.access == .public && request.header("authorization") == nil
                ? JSONRouteCaching.anonymousCacheControl(target.method) : "no-store"
            gateway.authorizeAndInvoke(request, generation: generation, method: target.method, payload: payload,
                                       fail: fail) { result in
                var response: HTTPResponse
                if result.status != .ok {
                    response = .error(APIError(result.status, result.message.isEmpty ? result.status.codeName : result.message),
                                      requestId: requestId)
                } else if route.successStatus == 204 {
                    response = HTTPResponse(status: 204)
                } else if let output {
                    let tag = conditional ? JSONEntityTag.of(result.payload) : nil
                    if let tag, let ifNoneMatch, JSONEntityTag.matches(ifNoneMatch: ifNoneMatch, tag) {
                        response = HTTPResponse(status: 304, headers: [("ETag", tag), ("Cache-Control", cacheControl)])
                    } else {
                        do throws(APIError) {
                            response = .bytes(route.successStatus, contentType: "application/json",
                                              try ProtoJSON.json(from: result.payload, as: output))
                            if let tag {
                                response.headers.reserveCapacity(4)
                                response.headers.append(("ETag", tag))
                                response.headers.append(("Cache-Control", cacheControl))
                            }
                        } catch {
                            response = .error(error, requestId: requestId)
                        }
                    }
                } else {
                    response = .error(APIError(.internal, "the method has no output descriptor"), requestId: requestId)
                }
                if let servedBy = result.servedBy { response.headers.append(("Reel-Plugin", servedBy)) }
                response.route = template
                response.shareable = target.method.access == .public // ResponseCache: its Cache-Control decides
                respond(response)
            }
        }
    }

    private static func inputPayload(_ request: HTTPRequest, target: PluginRegistry.RouteTarget,
                                     parameters: [String: String]) throws(APIError) -> [UInt8] {
        guard let input = target.method.input else { throw APIError(.internal, "the method has no input descriptor") }
        if !request.body.isEmpty {
            let type = request.contentType ?? ""
            guard type == "application/json" else { throw .unsupportedMediaType(type, expected: "application/json") }
        }
        // Query first, then path parameters, so the path wins.
        guard !request.query.contains(where: { $0.name.contains("\0") || $0.value.contains("\0") }) else {
            throw .badRequest("query parameters must not contain NUL characters")
        }
        // An empty query value ("?limit=") means the field is not set.
        var overrides = request.query.filter { !$0.value.isEmpty }.map { (name: $0.name, value: $0.value) }
        overrides += parameters.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        return try ProtoJSON.proto(fromJSON: request.body, overrides: overrides, as: input)
    }
}
