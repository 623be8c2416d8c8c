import Foundation
import ReelPostgres

/// auth.token_cutoffs: per-user "access tokens issued before T are void".
/// Each cut-off is also NOTIFYed on `channel` (delivered at commit), so the
/// auth plugin of every host on this database tells its own host's guard.
enum RevocationStore {
    static let channel = "reel_auth_tokens_revoked"

    /// A cut-off for `userID` at `notBeforeMs` (never moved back). Run in the
    /// transaction that makes the change; returns the cut-off in force.
    @discardableResult
    static func cut(_ c: PostgresConnection, userID: String, notBeforeMs: Int64) throws -> Int64 {
        let inForce = try c.query("""
            INSERT INTO auth.token_cutoffs AS t (user_id, not_before_ms) VALUES ($1, $2)
            ON CONFLICT (user_id) DO UPDATE SET not_before_ms = GREATEST(t.not_before_ms, EXCLUDED.not_before_ms),
                                                updated_at = now()
            RETURNING not_before_ms
            """, [.string(userID), .int64(notBeforeMs)]).first?.int64("not_before_ms") ?? notBeforeMs
        try c.notify(channel, payload: payload(userID: userID, notBeforeMs: inForce))
        return inForce
    }

    /// Cut-offs that can still void an unexpired token (newer than `sinceMs`).
    static func inForce(_ c: PostgresConnection, sinceMs: Int64) throws -> [Revocation] {
        try c.query("SELECT user_id::text AS user_id, not_before_ms FROM auth.token_cutoffs WHERE not_before_ms > $1",
                    [.int64(sinceMs)]).map { row in
            Revocation(userID: try row.string("user_id") ?? "", notBeforeMs: try row.int64("not_before_ms") ?? 0)
        }
    }

    static func payload(userID: String, notBeforeMs: Int64) -> String { "\(userID) \(notBeforeMs)" }

    static func parse(_ payload: String) -> Revocation? {
        let parts = payload.split(separator: " ")
        guard parts.count == 2, let ms = Int64(parts[1]), UUID(uuidString: String(parts[0])) != nil else { return nil }
        return Revocation(userID: String(parts[0]), notBeforeMs: ms)
    }
}

/// One cut-off: every access token of `userID` issued before `notBeforeMs` is void.
struct Revocation: Sendable, Equatable {
    let userID: String
    let notBeforeMs: Int64
}

extension Date {
    /// Unix time in whole milliseconds (what access tokens' `iat_ms` and cut-offs use).
    var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
