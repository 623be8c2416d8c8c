import CReelProto
import ReelPluginKit

extension AuthService {
    static let wrongCredentials = "email or password is incorrect"

    /// Login: throttled per account and per client address; a wrong email
    /// and a wrong password answer the same error after the same work.
    func login(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__LoginRequest.self, "reel.auth.v1.LoginRequest")
        let email = Validation.normalizeEmail(Proto.string(request.message.email))
        let password = Proto.string(request.message.password)
        guard !email.isEmpty, !password.isEmpty else { throw PluginError.invalidArgument("email and password are required") }
        let keys = ThrottleStore.keys(email: email, address: call.clientAddress)

        let lookup = try await database.withConnection { c -> LoginLookup in
            if let wait = try ThrottleStore.lockedSeconds(c, keys: keys) { return .locked(seconds: wait) }
            return .account(try UserStore.credentials(c, email: email))
        }
        let account: (user: User, passwordHash: String)?
        switch lookup {
        case .locked(let wait): throw Self.tooManyAttempts(wait)
        case .account(let found): account = found
        }

        let matches = await passwords.verify(password, encoded: account?.passwordHash ?? dummyHash)
        guard let account, matches else {
            try await database.withTransaction { c in
                try ThrottleStore.recordFailure(c, keys: keys, backoff: self.config.backoff)
            }
            throw PluginError.unauthenticated(Self.wrongCredentials)
        }
        let user = account.user
        let lifetime = config.refreshTokenSeconds
        let refreshToken = try await database.withTransaction { c -> String? in
            try ThrottleStore.reset(c, keys: keys)
            return user.disabled ? nil : try RefreshTokenStore.issue(c, userID: user.id, lifetimeSeconds: lifetime)
        }
        guard let refreshToken else { throw PluginError.unauthenticated("this account is disabled") }
        return try await tokenPair(for: user, refreshToken: refreshToken)
    }

    static func tooManyAttempts(_ seconds: Int) -> PluginError {
        .resourceExhausted("too many attempts; try again in \(seconds) s")
    }
}

/// What Login finds before checking the password.
private enum LoginLookup: Sendable {
    case locked(seconds: Int)
    /// The account and its password hash (nil for an unknown email).
    case account((user: User, passwordHash: String)?)
}
