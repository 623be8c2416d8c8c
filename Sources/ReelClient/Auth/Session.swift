import Foundation

/// A signed-in session: hands out a valid access token, refreshing it shortly
/// before it expires (or when the server says it no longer accepts it), and
/// keeps the rotated refresh token each refresh returns. Concurrent callers
/// share one refresh.
actor Session {
    private let transport: ConnectTransport
    private let store: CredentialStore
    private var credentials: Credentials?
    private var refreshing: Task<Credentials, Error>?
    /// Refresh this long before the access token expires.
    private let margin: TimeInterval

    init(transport: ConnectTransport, store: CredentialStore, margin: TimeInterval = 30) {
        self.transport = transport
        self.store = store
        self.credentials = store.load()
        self.margin = margin
    }

    var current: Credentials? { credentials }

    func signedIn(_ pair: Reel_Auth_V1_TokenPair) -> Credentials {
        let fresh = Credentials(pair)
        credentials = fresh
        store.save(fresh)
        return fresh
    }

    func signOut() {
        credentials = nil
        store.save(nil)
    }

    /// An access token that is valid for at least `margin` more seconds
    /// (refreshing first if needed). `rejected`: the token the server just
    /// refused, so it is refreshed even if its clock says it is still valid.
    func accessToken(rejected: String? = nil) async throws(ReelError) -> String {
        guard let held = credentials else { throw .notSignedIn }
        if held.accessToken != rejected, held.accessExpiresAt.timeIntervalSinceNow > margin {
            return held.accessToken
        }
        return try await refresh().accessToken
    }

    private func refresh() async throws(ReelError) -> Credentials {
        if let refreshing {
            do { return try await refreshing.value } catch { throw error as? ReelError ?? .transport("\(error)") }
        }
        guard let held = credentials else { throw .notSignedIn }
        let transport = self.transport
        let task = Task<Credentials, Error> {
            var request = Reel_Auth_V1_RefreshRequest()
            request.refreshToken = held.refreshToken
            let pair = try await transport.unary("reel.auth.v1.AuthService/Refresh", request,
                                                 as: Reel_Auth_V1_TokenPair.self)
            var fresh = Credentials(pair)
            if fresh.userID.isEmpty { fresh.userID = held.userID }
            if fresh.email.isEmpty { fresh.email = held.email }
            return fresh
        }
        refreshing = task
        defer { refreshing = nil }
        do {
            let fresh = try await task.value
            credentials = fresh
            store.save(fresh)
            return fresh
        } catch let error as ReelError {
            // A refused refresh token (expired, revoked, already rotated) ends the session.
            if case .server(let code, _, _) = error, code == .unauthenticated || code == .permissionDenied {
                credentials = nil
                store.save(nil)
                throw .notSignedIn
            }
            throw error
        } catch {
            throw .transport("\(error)")
        }
    }
}
