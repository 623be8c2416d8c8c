import Foundation

/// The binary protocol for mobile clients: the Connect protocol's unary calls
/// at /rpc/<package>.<Service>/<Method> — POST with an `application/proto` or
/// `application/json` body (gzip or identity), GET for methods the .proto
/// marks side-effect free; Connect-Timeout-Ms bounds the bus call. Errors are
/// Connect's JSON {"code", "message"}.
struct ConnectHandler {
    let gateway: Gateway

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let requestId = request.requestId
        let fail: @Sendable (APIError) -> Void = { respond(Self.errorResponse($0, requestId: requestId)) }
        let methodName = String(request.path.dropFirst("/rpc/".count))
        // The spec's order: the method first (404 unimplemented for one that
        // does not exist, whatever the HTTP method or content type), then the
        // HTTP method (405 with Allow), then headers and body.
        guard let (generation, method) = gateway.registry.acquire(method: methodName) else {
            // A streaming method is a raw route: here only for an HTTP method it does not take.
            let allowed = gateway.registry.httpMethodsAllowed(path: request.path)
            if !allowed.isEmpty {
                return respond(Self.errorResponse(.methodNotAllowed(request.method, allowed: allowed),
                                                  requestId: requestId, allow: allowed))
            }
            return fail(APIError(.unimplemented, "unknown method \(methodName)", httpStatus: 404))
        }
        // Routed to a method: the metrics' route is its /rpc path.
        let respondRouted = HTTPResponse.routed(request.path, respond)
        let allow = ConnectRequest.allowedHTTPMethods(methodName)
        let failRouted: @Sendable (APIError) -> Void = {
            respondRouted(Self.errorResponse($0, requestId: requestId, allow: allow))
        }
        guard method.access != .internal else {
            generation.leave()
            return failRouted(APIError(.unimplemented, "unknown method \(methodName)", httpStatus: 404))
        }
        let call: ConnectRequest
        let payload: [UInt8]
        do throws(APIError) {
            call = try ConnectRequest(request, method: methodName, maxBytes: gateway.maxBodyBytes)
            payload = try Self.decodeInput(call.message, codec: call.codec, method: method)
        } catch {
            generation.leave()
            return failRouted(error)
        }
        let isGet = request.method == "GET"
        gateway.authorizeAndInvoke(request, generation: generation, method: method, payload: payload,
                                   timeout: call.timeout, fail: failRouted) { result in
            var response: HTTPResponse
            if result.status != .ok {
                response = Self.errorResponse(APIError(result.status, result.message), requestId: requestId)
            } else if call.codec == .json, let output = method.output {
                do throws(APIError) {
                    response = .bytes(200, contentType: ConnectRequest.jsonType,
                                      try ProtoJSON.json(from: result.payload, as: output))
                } catch {
                    response = Self.errorResponse(error, requestId: requestId)
                }
            } else {
                response = .bytes(200, contentType: ConnectRequest.protoType, result.payload)
                // Never pass on what a client must refuse (e.g. a string that is not UTF-8, #19).
                if let output = method.output {
                    do throws(APIError) { try ProtoJSON.validate(result.payload, as: output) } catch {
                        response = Self.errorResponse(
                            APIError(.internal, "the service answered a malformed message: \(error.message)"),
                            requestId: requestId)
                    }
                }
            }
            if response.status == 200 {
                if call.acceptsGzip, response.body.count >= ConnectEncoding.compressMinBytes,
                   let compressed = ConnectEncoding.gzip(response.body) {
                    response.body = compressed
                    response.headers.append(("Content-Encoding", "gzip"))
                }
                if isGet { response.headers.append(("Vary", "Accept-Encoding, Authorization")) }
            }
            if let servedBy = result.servedBy { response.headers.append(("Reel-Plugin", servedBy)) }
            respondRouted(response)
        }
    }

    private static func decodeInput(_ body: [UInt8], codec: ConnectRequest.Codec, method: MethodInfo) throws(APIError) -> [UInt8] {
        if codec == .json {
            guard let input = method.input else {
                throw .unsupportedMediaType(ConnectRequest.jsonType,
                                            expected: "\(ConnectRequest.protoType) (this method has no JSON mapping)")
            }
            return try ProtoJSON.proto(fromJSON: body, overrides: [], as: input)
        }
        if let input = method.input { try ProtoJSON.validate(body, as: input) }
        return body
    }

    /// A Connect error: the code's HTTP status and {"code", "message",
    /// "details"}; the details carry the request id as a standard
    /// `google.rpc.RequestInfo` (what the web API's "requestId" is). An
    /// unsupported encoding also lists what is accepted (Accept-Encoding).
    /// `allow`: the HTTP methods a 405 names (Allow).
    static func errorResponse(_ error: APIError, requestId: String? = nil, allow: [String] = ["POST"]) -> HTTPResponse {
        var body: [String: Any] = ["code": error.status.codeName, "message": error.message]
        if let requestId, !requestId.isEmpty {
            body["details"] = [ConnectErrorDetail.requestInfo(requestId: requestId).json]
        }
        var response = HTTPResponse.json(error.effectiveHTTPStatus, body)
        if error.status == .unimplemented, error.message.hasPrefix("unsupported ") {
            response.headers.append(("Accept-Encoding", ConnectEncoding.accepted))
        }
        if error.effectiveHTTPStatus == 405 { response.headers.append(("Allow", allow.joined(separator: ", "))) }
        return response
    }
}
