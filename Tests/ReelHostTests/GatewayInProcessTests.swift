import Crypto
import Foundation
import JWTKit
@testable import ReelHost
import XCTest

/// The gateway and its JWT guard in process, without a socket: hello-c
/// (built by make into a temp folder) loaded by a real PluginManager, and
/// requests handed straight to `Gateway.handle`.
final class GatewayInProcessTests: XCTestCase {
    private var dir: String!
    private var registry: PluginRegistry!
    private var gateway: Gateway!
    private var jwtGuard: JWTGuard!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "reel-gateway-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/plugins", withIntermediateDirectories: true)
        try HelloCBuild.make(into: dir + "/plugins")

        let config = try HostConfig(environment: ["REEL_DATA_DIR": dir, "REEL_PLUGINS_DIR": dir + "/plugins"])
        registry = PluginRegistry()
        let bus = Bus(registry: registry, callTimeoutSeconds: 10)
        let manager = PluginManager(config: config, registry: registry, bus: bus)
        _ = manager.scan()
        XCTAssertEqual(registry.all.map(\.name), ["hello-c"])
        jwtGuard = JWTGuard()
        gateway = Gateway(registry: registry, bus: bus, authGuard: jwtGuard,
                          health: HealthHandler(registry: registry, databasePing: nil), maxBodyBytes: 1 << 16)
    }

    override func tearDownWithError() throws {
        for generation in registry?.all ?? [] {
            let done = DispatchSemaphore(value: 0)
            generation.drain { _ in done.signal() }
            _ = done.wait(timeout: .now() + 10)
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func send(_ request: HTTPRequest) -> HTTPResponse {
        let answered = DispatchSemaphore(value: 0)
        let box = ResponseBox()
        gateway.handle(request) { response in
            box.response = response
            answered.signal()
        }
        XCTAssertEqual(answered.wait(timeout: .now() + 10), .success, "no answer to \(request.method) \(request.path)")
        return box.response ?? HTTPResponse(status: 0)
    }

    private func json(_ response: HTTPResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    private func echo(text: String, headers: [String: String] = [:]) -> HTTPRequest {
        HTTPRequest(method: "POST", path: "/api/v1/echo",
                    headers: ["content-type": "application/json"].merging(headers) { $1 },
                    body: Array("{\"text\":\"\(text)\"}".utf8), requestId: "in-process")
    }

    func testJSONRouteAndRPCReachTheSameMethod() throws {
        let routed = send(echo(text: "hi"))
        XCTAssertEqual(routed.status, 200, String(decoding: routed.body, as: UTF8.self))
        XCTAssertEqual(try json(routed)["text"] as? String, "hello-c 1.0.0: hi")
        let rpc = send(HTTPRequest(method: "POST", path: "/rpc/reel.helloc.v1.EchoService/Echo",
                                   headers: ["content-type": "application/json"], body: Array("{\"text\":\"hi\"}".utf8)))
        XCTAssertEqual(rpc.status, 200)
        XCTAssertEqual(try json(rpc)["text"] as? String, "hello-c 1.0.0: hi")
    }

    func testErrorsAreMappedOnceInTheProtocolsShape() throws {
        let missing = send(HTTPRequest(method: "GET", path: "/api/v1/nothing", requestId: "r-404"))
        XCTAssertEqual(missing.status, 404)
        let error = try XCTUnwrap(try json(missing)["error"] as? [String: String])
        XCTAssertEqual(error["code"], "not_found")
        XCTAssertEqual(error["requestId"], "r-404")
        XCTAssertEqual(error["message"]?.isEmpty, false)
        let admin = send(HTTPRequest(method: "GET", path: "/admin/plugins"))
        XCTAssertEqual(admin.status, 404, "the public gateway has no admin routes")
        let rpc = send(HTTPRequest(method: "POST", path: "/rpc/reel.helloc.v1.EchoService/Nope",
                                   headers: ["content-type": "application/json"], body: Array("{}".utf8)))
        XCTAssertEqual(rpc.status, 404)
        XCTAssertEqual(try json(rpc)["code"] as? String, "unimplemented", "Connect's shape on /rpc")
        XCTAssertNil(try json(rpc)["error"])
    }

    /// The Connect spec's order of checks: an unknown method is 404
    /// `unimplemented` whatever the HTTP method or content type; a known one
    /// refuses a wrong HTTP method (405, Allow) before its content type (415).
    func testConnectChecksTheMethodBeforeTheRequest() throws {
        let unknown = "/rpc/reel.helloc.v1.EchoService/Nope"
        for request in [
            HTTPRequest(method: "POST", path: unknown, headers: ["content-type": "application/connect+proto"],
                        body: [0, 0, 0, 0, 0]),
            HTTPRequest(method: "POST", path: unknown, headers: ["content-type": "text/plain"], body: []),
            HTTPRequest(method: "GET", path: unknown, query: [("connect", "v1"), ("encoding", "json"), ("message", "{}")]),
            HTTPRequest(method: "PUT", path: unknown),
        ] {
            let answer = send(request)
            XCTAssertEqual(answer.status, 404, "\(request.method) \(request.headers)")
            XCTAssertEqual(try json(answer)["code"] as? String, "unimplemented")
        }
        let echo = "/rpc/reel.helloc.v1.EchoService/Echo"  // NO_SIDE_EFFECTS: GET and POST
        for method in ["PUT", "DELETE", "PATCH"] {
            let answer = send(HTTPRequest(method: method, path: echo, headers: ["content-type": "application/connect+proto"]))
            XCTAssertEqual(answer.status, 405, method)
            XCTAssertEqual(answer.header("Allow"), "GET, POST")
            XCTAssertEqual(try json(answer)["code"] as? String, "unimplemented")
        }
        let streaming = send(HTTPRequest(method: "POST", path: echo, headers: ["content-type": "application/connect+proto"],
                                         body: [0, 0, 0, 0, 0]))
        XCTAssertEqual(streaming.status, 415, "a unary method refuses the streaming content type")
        XCTAssertEqual(try json(streaming)["code"] as? String, "invalid_argument")
    }

    // -- the JWT guard

    private struct Claims: JWTPayload {
        var sub: SubjectClaim
        var role: String
        var iss: IssuerClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private func signer(kid: String) async throws -> (keys: JWTKeyCollection, publicKey: [UInt8]) {
        let key = Curve25519.Signing.PrivateKey()
        let keys = JWTKeyCollection()
        await keys.add(eddsa: try EdDSA.PrivateKey(backing: key), kid: JWKIdentifier(string: kid))
        return (keys, Array(key.publicKey.rawRepresentation))
    }

    private func token(_ keys: JWTKeyCollection, kid: String, sub: String = "user-1", role: String = "viewer",
                       iss: String = "reel", aud: String = "reel", expiresIn: TimeInterval = 600) async throws -> String {
        try await keys.sign(Claims(sub: SubjectClaim(value: sub), role: role, iss: IssuerClaim(value: iss),
                                   aud: AudienceClaim(value: [aud]), exp: ExpirationClaim(value: Date().addingTimeInterval(expiresIn))),
                            kid: JWKIdentifier(string: kid))
    }

    private func bearer(_ token: String) -> HTTPRequest {
        HTTPRequest(method: "GET", path: "/api/v1/echo/stats", headers: ["authorization": "Bearer \(token)"])
    }

    private func refusal(_ request: HTTPRequest) async -> APIError? {
        do {
            _ = try await jwtGuard.authenticate(request)
            return nil
        } catch {
            return error
        }
    }

    func testTheGuardAcceptsOnlyTokensOfItsKeys() async throws {
        let (keys, publicKey) = try await signer(kid: "k1")
        await jwtGuard.install(keys: [(kid: "k1", publicKey: publicKey)])

        let caller = try await jwtGuard.authenticate(bearer(try await token(keys, kid: "k1", role: "creator")))
        XCTAssertEqual(caller, Caller(userId: "user-1", role: ReelRole.creator))
        XCTAssertNoThrow(try jwtGuard.authorize(caller, for: .creator))
        XCTAssertEqual(authorizationStatus(caller, .admin), .permissionDenied)
        XCTAssertEqual(authorizationStatus(.anonymous, .user), .unauthenticated)

        let (otherKeys, _) = try await signer(kid: "k1")
        let refused: [(String, String)] = [
            ("another key under the same kid", try await token(otherKeys, kid: "k1")),
            ("an unknown kid", try await token(keys, kid: "k2")),
            ("expired", try await token(keys, kid: "k1", expiresIn: -120)),
            ("another issuer", try await token(keys, kid: "k1", iss: "evil")),
            ("another audience", try await token(keys, kid: "k1", aud: "other")),
            ("an unknown role", try await token(keys, kid: "k1", role: "owner")),
            ("alg none", Self.unsigned(sub: "user-1", role: "admin", kid: "k1")),
            ("garbage", "not.a.token"),
        ]
        for (what, token) in refused {
            let error = await refusal(bearer(token))
            XCTAssertEqual(error?.status, .unauthenticated, what)
        }
        // Another scheme than Bearer (Basic from a password-protecting proxy)
        // is no token at all: anonymous, never refused (#19).
        let basic = await refusal(HTTPRequest(method: "GET", path: "/", headers: ["authorization": "Basic eDp5"]))
        XCTAssertNil(basic)

        // Through the gateway: a refused token is 401 with the web error shape, even on a public route.
        let response = send(echo(text: "x", headers: ["authorization": "Bearer not.a.token"]))
        XCTAssertEqual(response.status, 401)
        XCTAssertEqual((try json(response)["error"] as? [String: Any])?["code"] as? String, "unauthenticated")
        XCTAssertEqual(response.header("WWW-Authenticate"), "Bearer realm=\"reel\"")
        let accepted = send(echo(text: "x", headers: ["authorization": "Bearer \(try await token(keys, kid: "k1"))"]))
        XCTAssertEqual(accepted.status, 200)
    }

    /// Right after a start or a hot-swap of the token authority, keys are on
    /// their way: a valid token waits for them instead of a 401.
    func testATokenWaitsForKeysOnTheirWay() async throws {
        let (keys, publicKey) = try await signer(kid: "k1")
        let valid = try await token(keys, kid: "k1")
        let notAsked = await refusal(bearer(valid))
        XCTAssertEqual(notAsked?.status, .unauthenticated, "no keys and none asked for: refused at once")

        jwtGuard.keyRefreshStarted()
        let guardian: JWTGuard = jwtGuard
        let arrival = Task {
            try await Task.sleep(for: .milliseconds(200))
            await guardian.install(keys: [(kid: "k1", publicKey: publicKey)])
        }
        let caller = try await jwtGuard.authenticate(bearer(valid))
        XCTAssertEqual(caller.userId, "user-1")
        try await arrival.value

        jwtGuard.keyRefreshStarted()
        jwtGuard.keyRefreshFailed()
        let afterFailure = await refusal(bearer(try await token(keys, kid: "k9")))
        XCTAssertEqual(afterFailure?.status, .unauthenticated, "a failed fetch ends the wait")
    }

    private func authorizationStatus(_ caller: Caller, _ access: Access) -> ReelStatus? {
        do throws(APIError) {
            try jwtGuard.authorize(caller, for: access)
            return nil
        } catch {
            return error.status
        }
    }

    private static func unsigned(sub: String, role: String, kid: String) -> String {
        func part(_ object: [String: Any]) -> String {
            (try? JSONSerialization.data(withJSONObject: object)).map {
                $0.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
            } ?? ""
        }
        let exp = Int(Date().timeIntervalSince1970) + 600
        return part(["alg": "none", "typ": "JWT", "kid": kid]) + "."
            + part(["sub": sub, "role": role, "iss": "reel", "aud": "reel", "exp": exp]) + "."
    }
}

private final class ResponseBox: @unchecked Sendable {
    var response: HTTPResponse?
}
