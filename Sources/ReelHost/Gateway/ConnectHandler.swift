import Foundation

/// The binary protocol for mobile clients: POST /rpc/<package>.<Service>/<Method>,
/// the Connect protocol's unary calls. Bodies are `application/proto` (or
/// `application/json`); errors are Connect's JSON {"code", "message"}.
struct ConnectHandler {
    let gateway: Gateway

    static let protoType = "application/proto"
    static let jsonType = "application/json"

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let fail: @Sendable (APIError) -> Void = { respond(Self.errorResponse($0)) }
        let methodName = String(request.path.dropFirst("/rpc/".count))
        guard request.method == "POST" else {
            return fail(APIError(.unimplemented, "the binary protocol takes POST only", httpStatus: 405))
        }
        if let version = request.header("connect-protocol-version"), version != "1" {
            return fail(.badRequest("unsupported Connect-Protocol-Version \(version); this server speaks 1"))
        }
        let contentType = request.contentType ?? ""
        guard contentType == Self.protoType || contentType == Self.jsonType else {
            return fail(.unsupportedMediaType(contentType, expected: "\(Self.protoType) or \(Self.jsonType)"))
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
            payload = try Self.decodeInput(request.body, contentType: contentType, method: method)
        } catch {
            generation.leave()
            return fail(error)
        }
        gateway.authorizeAndInvoke(request, generation: generation, method: method, payload: payload, fail: fail) { result in
            var response: HTTPResponse
            if result.status != .ok {
                response = Self.errorResponse(APIError(result.status, result.message))
            } else if contentType == Self.jsonType, let output = method.output {
                do throws(APIError) {
                    response = .bytes(200, contentType: Self.jsonType, try ProtoJSON.json(from: result.payload, as: output))
                } catch {
                    response = Self.errorResponse(error)
                }
            } else {
                response = .bytes(200, contentType: Self.protoType, result.payload)
                // Never pass on what a client must refuse (e.g. a string that is not UTF-8, #19).
                if let output = method.output {
                    do throws(APIError) { try ProtoJSON.validate(result.payload, as: output) } catch {
                        response = Self.errorResponse(APIError(.internal, "the service answered a malformed message: \(error.message)"))
                    }
                }
            }
            if let servedBy = result.servedBy { response.headers.append(("Reel-Plugin", servedBy)) }
            respond(response)
        }
    }

    private static func decodeInput(_ body: [UInt8], contentType: String, method: MethodInfo) throws(APIError) -> [UInt8] {
        if contentType == jsonType {
            guard let input = method.input else {
                throw .unsupportedMediaType(contentType, expected: "\(protoType) (this method has no JSON mapping)")
            }
            return try ProtoJSON.proto(fromJSON: body, overrides: [], as: input)
        }
        if let input = method.input { try ProtoJSON.validate(body, as: input) }
        return body
    }

    /// A Connect error: the code's HTTP status and {"code", "message"}.
    static func errorResponse(_ error: APIError) -> HTTPResponse {
        HTTPResponse.json(error.effectiveHTTPStatus, ["code": error.status.codeName, "message": error.message])
    }
}
