import CReelProtoAuth
import ReelPluginKit

extension AuthService {
    /// Me: the signed-in caller (the host's guard verified the token).
    func me(_ call: PluginCall) async throws -> [UInt8] {
        let id = try callerID(call)
        guard let user = try await database.withConnection({ c in try UserStore.byID(c, id) }) else {
            throw PluginError.notFound("the signed-in user no longer exists")
        }
        return Messages.user(user)
    }

    /// ChangePassword: checks the current password (wrong guesses count
    /// against the account's login throttle), applies the password rules,
    /// stores the new hash and signs the user out everywhere (all refresh
    /// tokens; access tokens issued until now are void at once).
    func changePassword(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__ChangePasswordRequest.self,
                                       "reel.auth.v1.ChangePasswordRequest")
        let current = Proto.string(request.message.current_password)
        let new = Proto.string(request.message.new_password)
        let id = try callerID(call)
        guard let account = try await database.withConnection({ c in try UserStore.credentials(c, id: id) }) else {
            throw PluginError.notFound("the signed-in user no longer exists")
        }
        guard !account.user.disabled else { throw PluginError.permissionDenied("this account is disabled") }
        let keys = [ThrottleStore.accountKey(account.user.email)]
        try await reserve(keys: keys)
        guard await passwords.verify(current, encoded: account.passwordHash) else {
            throw PluginError.permissionDenied("the current password is incorrect")  // stays counted
        }
        try Validation.password(new, email: account.user.email)
        let hash = try await passwords.hash(new)
        let revocation = try await database.withTransaction { c in
            try UserStore.setPasswordHash(c, id: id, passwordHash: hash)
            try RefreshTokenStore.revokeAll(c, userID: id, reason: .passwordChanged)
            try ThrottleStore.succeeded(c, keys: keys, backoff: self.config.backoff)
            return try Self.cutTokens(c, userID: id)
        }
        announce(revocation)
        host.log(.info, "user \(id) changed their password; their refresh and access tokens were revoked")
        return Messages.empty
    }

    /// The caller's user id as the host passed it (never parsed from a token here).
    func callerID(_ call: PluginCall) throws(PluginError) -> String {
        guard !call.callerUserId.isEmpty else { throw .unauthenticated("sign in to do this") }
        return try Validation.userID(call.callerUserId, field: "the caller's user id")
    }
}
