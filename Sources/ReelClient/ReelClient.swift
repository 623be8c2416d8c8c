import Foundation
import SwiftProtobuf
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Reel server, as an app sees it: sign-in that stays signed in (access
/// tokens refreshed automatically, refresh tokens rotated and stored), and
/// async calls for every public service. All calls go over the Connect
/// protocol at `/rpc`; uploads use tus at `/api/v1/uploads`.
///
/// ```swift
/// let reel = ReelClient(baseURL: URL(string: "https://reel.example")!)
/// try await reel.login(email: "me@example.com", password: "a long passphrase")
/// let page = try await reel.videos(search: "cats")
/// ```
public final class ReelClient: Sendable {
    public let transport: ConnectTransport
    let session: Session

    /// - Parameters:
    ///   - credentials: where the session's tokens live between launches
    ///     (memory by default; `FileCredentialStore`, or your own Keychain store).
    public init(baseURL: URL, credentials: CredentialStore = MemoryCredentialStore(),
                timeout: Duration = .seconds(30), urlSession: URLSession = .shared) {
        transport = ConnectTransport(baseURL: baseURL, timeout: timeout, session: urlSession)
        session = Session(transport: transport, store: credentials)
    }

    /// The signed-in user's credentials, or nil.
    public var credentials: Credentials? { get async { await session.current } }

    /// Who may make a call: anyone (a token is sent if there is one, so owners
    /// see their own private videos), or only a signed-in user.
    enum Caller { case anyone, signedIn }

    /// A unary call with the session's access token; a token the server
    /// refuses (unauthenticated) is refreshed once and the call retried.
    func call<Request: Message, Response: Message>(
        _ method: String, _ request: Request, as type: Response.Type = Response.self, caller: Caller = .signedIn
    ) async throws(ReelError) -> Response {
        let token: String?
        do {
            token = try await session.accessToken()
        } catch .notSignedIn where caller == .anyone {
            token = nil
        }
        do {
            return try await transport.unary(method, request, as: type, bearer: token)
        } catch .server(.unauthenticated, let message, let details) {
            guard let token else { throw .server(code: .unauthenticated, message: message, details: details) }
            let fresh = try await session.accessToken(rejected: token)
            return try await transport.unary(method, request, as: type, bearer: fresh)
        }
    }

    /// A valid access token for requests ReelClient does not wrap (media, your own routes).
    public func accessToken() async throws(ReelError) -> String {
        try await session.accessToken()
    }
}
