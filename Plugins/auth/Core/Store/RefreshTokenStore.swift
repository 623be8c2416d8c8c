import Foundation
import ReelPluginKit
import ReelPostgres

/// auth.refresh_tokens: rotation with reuse detection, per family.
enum RefreshTokenStore {
    /// Why a token was revoked (auth.refresh_tokens.revoked_reason), so a
    /// later refresh can say what happened.
    enum RevokeReason: String, Sendable {
        case signedOut = "signed_out"
        case disabled
        case passwordChanged = "password_changed"
        case reuse
    }

    enum Rotation: Sendable {
        case rotated(user: User, token: String)
        /// A spent token presented again: its family is now revoked.
        case reused
        /// The token's session was ended earlier (nil: for an unrecorded reason).
        case revoked(RevokeReason?)
        case unknown
        case expired
        case disabled
    }

    /// Stores a new token of `family` (a new family when nil); returns the token.
    static func issue(_ c: PostgresConnection, userID: String, family: String? = nil, lifetimeSeconds: Int) throws -> String {
        let token = RefreshToken.generate()
        try c.query("""
            INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, expires_at)
            VALUES ($1, COALESCE($2::uuid, gen_random_uuid()), $3, now() + $4 * interval '1 second')
            """, [.data(RefreshToken.hash(token)), family.map(PostgresValue.string), .string(userID), .int(lifetimeSeconds)])
        return token
    }

    /// Spends `token` and issues its successor in the same family. Must run in
    /// a transaction: the token's row stays locked (FOR UPDATE) until commit,
    /// so of two concurrent uses one rotates and the other is seen as reuse;
    /// the user's row is share-locked (see `UserStore.forTokenIssue`).
    static func rotate(_ c: PostgresConnection, token: String, lifetimeSeconds: Int) throws -> Rotation {
        guard let row = try c.query("""
            SELECT t.family_id::text AS family_id, t.used_at IS NOT NULL AS used, t.revoked_at IS NOT NULL AS revoked,
                   t.revoked_reason, t.expires_at <= now() AS expired, \(User.columns("u"))
            FROM auth.refresh_tokens t JOIN auth.users u ON u.id = t.user_id
            WHERE t.token_hash = $1
            FOR UPDATE OF t FOR SHARE OF u
            """, [.data(RefreshToken.hash(token))]).first,
            let family = try row.string("family_id")
        else { return .unknown }
        if try row.bool("revoked") == true {
            let reason = try row.string("revoked_reason").flatMap(RevokeReason.init(rawValue:))
            return reason == .reuse ? .reused : .revoked(reason)
        }
        if try row.bool("used") == true {
            try revokeFamily(c, family: family, reason: .reuse)
            return .reused
        }
        if try row.bool("expired") == true { return .expired }
        let user = try User(row: row)
        if user.disabled { return .disabled }
        try c.query("UPDATE auth.refresh_tokens SET used_at = now() WHERE token_hash = $1", [.data(RefreshToken.hash(token))])
        let next = try issue(c, userID: user.id, family: family, lifetimeSeconds: lifetimeSeconds)
        return .rotated(user: user, token: next)
    }

    /// Revokes the family `token` belongs to; false if the token is unknown.
    @discardableResult
    static func revokeFamily(_ c: PostgresConnection, ofToken token: String, reason: RevokeReason) throws -> Bool {
        guard let family = try c.query("SELECT family_id::text AS family_id FROM auth.refresh_tokens WHERE token_hash = $1",
                                       [.data(RefreshToken.hash(token))]).first?.string("family_id")
        else { return false }
        try revokeFamily(c, family: family, reason: reason)
        return true
    }

    static func revokeFamily(_ c: PostgresConnection, family: String, reason: RevokeReason) throws {
        try c.query("""
            UPDATE auth.refresh_tokens SET revoked_at = now(), revoked_reason = $2
            WHERE family_id = $1 AND revoked_at IS NULL
            """, [.string(family), .string(reason.rawValue)])
    }

    static func revokeAll(_ c: PostgresConnection, userID: String, reason: RevokeReason) throws {
        try c.query("""
            UPDATE auth.refresh_tokens SET revoked_at = now(), revoked_reason = $2
            WHERE user_id = $1 AND revoked_at IS NULL
            """, [.string(userID), .string(reason.rawValue)])
    }
}
