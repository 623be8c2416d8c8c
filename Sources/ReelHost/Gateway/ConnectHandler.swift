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
        let call: ConnectRequest
        do throws(APIError) {
            call = try ConnectRequest(request, method: methodName, maxBytes: gateway.maxBodyBytes)
        } catch {
            return fail(error)
        }
        guard let (generation, method) = gateway.registry.acquire(method: methodName) else {
            return fail(APIError(.unimplemented, "unknown method \(methodName)", httpStatus: 404))
        }
        guard method.access != .internal else {
            generation.leave()
            return fail(APIError(.unimplemented, "unknown method \(methodName)", httpStatus: 404))
        }
        let payload: [UInt8]
        do {
            payload = try Self.decodeInput(call.message, codec: call.codec, method: method)
        } catch {
            generation.leave()
            return fail(error)
        }
        let isGet = request.method == "GET"
        gateway.authorizeAndInvoke(request, generation: generation, method: method, payload: payload,
                                   timeout: call.timeout, fail: fail) { result in
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
            respond(response)
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
    static func errorResponse(_ error: APIError, requestId: String? = nil) -> HTTPResponse {
        var body: [String: Any] = ["code": error.status.codeName, "message": error.message]
        if let requestId, !requestId.isEmpty {
            body["details"] = [ConnectErrorDetail.requestInfo(requestId: requestId).json]
        }
        var response = HTTPResponse.json(error.effectiveHTTPStatus, body)
        if error.status == .unimplemented, error.message.hasPrefix("unsupported ") {
            response.headers.append(("Accept-Encoding", ConnectEncoding.accepted))
        }
        if error.effectiveHTTPStatus == 405 { response.headers.append(("Allow", "POST")) }
        return response
    }
}
