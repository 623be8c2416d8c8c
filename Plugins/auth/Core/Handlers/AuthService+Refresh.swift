import CReelProtoAuth
import Foundation
import ReelPluginKit

extension AuthService {
    /// Refresh: spends the refresh token and answers a new pair in the same
    /// family. A spent token presented again revokes its whole family; a
    /// token whose session ended says why.
    func refresh(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__RefreshRequest.self, "reel.auth.v1.RefreshRequest")
        let token = Proto.string(request.message.refresh_token)
        guard !token.isEmpty else { throw PluginError.invalidArgument("refreshToken is required") }
        let lifetime = config.refreshTokenSeconds
        let issuedAt = Date()  // before the user is read (see UserStore.forTokenIssue)
        let rotation = try await database.withTransaction { c in
            try RefreshTokenStore.rotate(c, token: token, lifetimeSeconds: lifetime)
        }
        switch rotation {
        case .rotated(let user, let next):
            return try await tokenPair(for: user, refreshToken: next, issuedAt: issuedAt)
        case .reused:
            host.log(.warn, "refresh token reuse detected; its family was revoked (request \(call.requestId))")
            throw PluginError.unauthenticated("refresh token reuse detected; please sign in again")
        case .revoked(let reason):
            throw PluginError.unauthenticated(Self.sessionEnded(reason))
        case .unknown:
            throw PluginError.unauthenticated("refresh token is not valid")
        case .expired:
            throw PluginError.unauthenticated("refresh token has expired; please sign in again")
        case .disabled:
            throw PluginError.unauthenticated("this account is disabled")
        }
    }

    static func sessionEnded(_ reason: RefreshTokenStore.RevokeReason?) -> String {
        switch reason {
        case .signedOut: "session ended (signed out); please sign in again"
        case .disabled: "this account is disabled"
        case .passwordChanged: "session ended (the password was changed); please sign in again"
        case .reuse: "refresh token reuse detected; please sign in again"
        case nil: "session ended; please sign in again"
        }
    }

    /// Logout: revokes the token's family. Idempotent: an unknown or already
    /// revoked token is fine too.
    func logout(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__LogoutRequest.self, "reel.auth.v1.LogoutRequest")
        let token = Proto.string(request.message.refresh_token)
        guard !token.isEmpty else { throw PluginError.invalidArgument("refreshToken is required") }
        _ = try await database.withTransaction { c in try RefreshTokenStore.revokeFamily(c, ofToken: token, reason: .signedOut) }
        return Messages.empty
    }
}
