import Foundation
@testable import ReelClient
import SwiftProtobuf
import XCTest

/// Sign-in state: when the access token is refreshed, that each refresh's
/// rotated refresh token is kept, that concurrent callers share one refresh,
/// and that a refused refresh token ends the session. The Refresh endpoint
/// is a real HTTP server on loopback playing the auth service's part.
final class SessionTests: XCTestCase {
    private func credentials(access: String = "access-1", refresh: String = "refresh-1", expiresIn: TimeInterval) -> Credentials {
        Credentials(accessToken: access, refreshToken: refresh, accessExpiresAt: Date().addingTimeInterval(expiresIn),
                    userID: "user-1", email: "me@example.com")
    }

    /// Answers Refresh: refresh-N -> access-(N+1)/refresh-(N+1); anything else unauthenticated.
    private func rotatingServer() throws -> LoopbackServer {
        try LoopbackServer { request in
            guard request.path == "/rpc/reel.auth.v1.AuthService/Refresh",
                  let asked = try? Reel_Auth_V1_RefreshRequest(serializedBytes: request.body),
                  asked.refreshToken.hasPrefix("refresh-"), let n = Int(asked.refreshToken.dropFirst("refresh-".count)) else {
                return .init(status: 401, contentType: "application/json",
                             body: Data(#"{"code":"unauthenticated","message":"refresh token refused"}"#.utf8))
            }
            var pair = Reel_Auth_V1_TokenPair()
            pair.accessToken = "access-\(n + 1)"
            pair.refreshToken = "refresh-\(n + 1)"
            pair.expiresIn = 900
            // No user in a refresh answer: the session keeps who it belongs to.
            return .init(status: 200, contentType: "application/proto", body: (try? pair.serializedData()) ?? Data())
        }
    }


    func testAValidTokenIsHandedOutWithoutACall() async throws {
        let store = MemoryCredentialStore(credentials(expiresIn: 600))
        let session = Session(transport: try closedPortTransport(), store: store)
        let token = try await session.accessToken()
        XCTAssertEqual(token, "access-1")
    }

    func testSignedOutAndSignOut() async throws {
        let empty = Session(transport: try closedPortTransport(), store: MemoryCredentialStore())
        do throws(ReelError) { _ = try await empty.accessToken(); XCTFail("no session") } catch { XCTAssertEqual(error, .notSignedIn) }
        let store = MemoryCredentialStore(credentials(expiresIn: 600))
        let session = Session(transport: try closedPortTransport(), store: store)
        await session.signOut()
        XCTAssertNil(store.load())
        do throws(ReelError) { _ = try await session.accessToken(); XCTFail("signed out") } catch { XCTAssertEqual(error, .notSignedIn) }
    }

    func testATransportFailureKeepsTheSession() async throws {
        let store = MemoryCredentialStore(credentials(expiresIn: 5))  // inside the 30 s margin
        let session = Session(transport: try closedPortTransport(), store: store)
        do throws(ReelError) {
            _ = try await session.accessToken()
            XCTFail("the refresh cannot reach anyone")
        } catch {
            guard case .transport = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(store.load()?.refreshToken, "refresh-1", "a network failure is no reason to sign out")
    }

    func testAnExpiringTokenIsRefreshedAndTheRotatedRefreshTokenKept() async throws {
        let server = try rotatingServer()
        defer { server.stop() }
        let store = MemoryCredentialStore(credentials(expiresIn: 10))
        let session = Session(transport: ConnectTransport(baseURL: server.baseURL), store: store)
        let token = try await session.accessToken()
        XCTAssertEqual(token, "access-2")
        let kept = try XCTUnwrap(store.load())
        XCTAssertEqual(kept.refreshToken, "refresh-2")
        XCTAssertEqual(kept.userID, "user-1")
        XCTAssertEqual(kept.email, "me@example.com")
        XCTAssertGreaterThan(kept.accessExpiresAt.timeIntervalSinceNow, 800)
        // Now valid: no second call.
        let again = try await session.accessToken()
        XCTAssertEqual(again, "access-2")
        XCTAssertEqual(server.requests.count, 1)
        // A token the server refused is refreshed even though its clock says it is valid.
        let replaced = try await session.accessToken(rejected: "access-2")
        XCTAssertEqual(replaced, "access-3")
        XCTAssertEqual(store.load()?.refreshToken, "refresh-3")
        XCTAssertEqual(server.requests.map(\.headers["content-type"]), ["application/proto", "application/proto"])
    }

    func testConcurrentCallersShareOneRefresh() async throws {
        let server = try rotatingServer()
        defer { server.stop() }
        let session = Session(transport: ConnectTransport(baseURL: server.baseURL),
                              store: MemoryCredentialStore(credentials(expiresIn: 0)))
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await session.accessToken() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        XCTAssertEqual(Set(tokens), ["access-2"])
        XCTAssertEqual(server.requests.count, 1, "one refresh for every caller")
    }

    func testARefusedRefreshTokenEndsTheSession() async throws {
        let server = try rotatingServer()
        defer { server.stop() }
        let store = MemoryCredentialStore(credentials(refresh: "revoked", expiresIn: 0))
        let session = Session(transport: ConnectTransport(baseURL: server.baseURL), store: store)
        do throws(ReelError) { _ = try await session.accessToken(); XCTFail("refused") } catch { XCTAssertEqual(error, .notSignedIn) }
        XCTAssertNil(store.load())
        let current = await session.current
        XCTAssertNil(current)
    }

    func testCredentialsFromATokenPair() {
        var pair = Reel_Auth_V1_TokenPair()
        pair.accessToken = "a"
        pair.refreshToken = "r"
        pair.expiresIn = 900
        pair.user.id = "u"
        pair.user.email = "e@example.com"
        let now = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertEqual(Credentials(pair, now: now), Credentials(accessToken: "a", refreshToken: "r",
                                                                 accessExpiresAt: now.addingTimeInterval(900),
                                                                 userID: "u", email: "e@example.com"))
    }

    func testTheCredentialsFileIsTheOwnersOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reel-client-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = FileCredentialStore(url: dir.appendingPathComponent("reel/credentials.json"))
        XCTAssertNil(store.load())
        let saved = Credentials(accessToken: "a", refreshToken: "r", accessExpiresAt: Date(timeIntervalSince1970: 1_700_000_000),
                                userID: "u", email: "e")
        store.save(saved)
        XCTAssertEqual(store.load(), saved)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.url.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        store.save(nil)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.url.path))
        XCTAssertEqual(FileCredentialStore.defaultURL(environment: ["XDG_CONFIG_HOME": "/cfg"]).path, "/cfg/reel/credentials.json")
    }

    /// A transport to a loopback port that was just free: connections are refused at once.
    private func closedPortTransport() throws -> ConnectTransport {
        let server = try LoopbackServer { _ in .init(status: 500, contentType: "text/plain", body: Data()) }
        server.stop()
        return ConnectTransport(baseURL: server.baseURL, timeout: .seconds(5))
    }
}
