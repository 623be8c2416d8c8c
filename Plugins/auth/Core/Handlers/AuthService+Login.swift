import CReelProtoAuth
import Foundation
import ReelPluginKit

extension AuthService {
    static let wrongCredentials = "email or password is incorrect"

    /// Login: throttled per account and per client address, independently
    /// (see `ThrottleStore`); a wrong email and a wrong password answer the
    /// same error after the same work.
    func login(_ call: PluginCall) async throws -> [UInt8] {
        try await loginMetrics.counting { try await attemptLogin(call) }
    }

    private func attemptLogin(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__LoginRequest.self, "reel.auth.v1.LoginRequest")
        let email = Validation.normalizeEmail(Proto.string(request.message.email))
        let password = Proto.string(request.message.password)
        guard !email.isEmpty, !password.isEmpty else { throw PluginError.invalidArgument("email and password are required") }
        let backoff = config.backoff
        guard email.utf8.count <= Validation.emailMaxLength else {
            // No account has such an email: the attempt counts against the address only.
            try await reserve(keys: call.clientAddress.isEmpty ? [] : [ThrottleStore.addressKey(call.clientAddress)])
            throw PluginError.invalidArgument("email must be at most \(Validation.emailMaxLength) bytes")
        }
        let keys = ThrottleStore.keys(email: email, address: call.clientAddress)
        try await reserve(keys: keys)
        let account = try await database.withConnection { c in try UserStore.credentials(c, email: email) }

        let matches = await passwords.verify(password, encoded: account?.passwordHash ?? dummyHash)
        guard let account, matches else { throw PluginError.unauthenticated(Self.wrongCredentials) }  // stays counted
        // The token reflects the user as read at or after its issue time, so
        // a revocation cut-off made meanwhile (a demotion) voids it.
        let issuedAt = Date()
        let lifetime = config.refreshTokenSeconds
        let signedIn = try await database.withTransaction { c -> (User, String)? in
            try ThrottleStore.succeeded(c, keys: keys, backoff: backoff)
            guard let user = try UserStore.forTokenIssue(c, account.user.id), !user.disabled else { return nil }
            return (user, try RefreshTokenStore.issue(c, userID: user.id, lifetimeSeconds: lifetime))
        }
        guard let (user, refreshToken) = signedIn else { throw PluginError.unauthenticated("this account is disabled") }
        return try await tokenPair(for: user, refreshToken: refreshToken, issuedAt: issuedAt)
    }

    /// Counts an attempt against `keys` before any password is checked;
    /// throws `resourceExhausted` while one of them is locked out.
    func reserve(keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        let backoff = config.backoff
        let reservation = try await database.withTransaction { c in
            try ThrottleStore.reserve(c, keys: keys, backoff: backoff)
        }
        if case .locked(let wait) = reservation { throw Self.tooManyAttempts(wait) }
    }

    static func tooManyAttempts(_ seconds: Int) -> PluginError {
        .resourceExhausted("too many attempts; try again in \(seconds) s")
    }
}
