import Foundation
import ReelPostgres

/// auth.login_throttle: consecutive failures and lockouts per key. In
/// PostgreSQL, so counters survive a hot-swap or restart and are shared by
/// every host on the database.
enum ThrottleStore {
    /// The keys a login attempt counts against.
    static func keys(email: String, address: String) -> [String] {
        address.isEmpty ? ["account:" + email] : ["account:" + email, "address:" + address]
    }

    /// Whole seconds until every key is unlocked, or nil if none is locked.
    static func lockedSeconds(_ c: PostgresConnection, keys: [String]) throws -> Int? {
        let row = try c.query("""
            SELECT ceil(extract(epoch FROM max(locked_until) - now()))::bigint AS wait
            FROM auth.login_throttle WHERE key IN ($1, $2) AND locked_until > now()
            """, [.string(keys[0]), .string(keys.last ?? keys[0])]).first
        return try row?.int("wait").map { max($0, 1) }
    }

    /// Counts a failure against each key and locks those past the threshold.
    /// Failures older than a day start the count again. Run in a transaction.
    static func recordFailure(_ c: PostgresConnection, keys: [String], backoff: Backoff) throws {
        for key in keys {
            let failures = try c.query("""
                INSERT INTO auth.login_throttle AS t (key, failures, updated_at) VALUES ($1, 1, now())
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN t.updated_at < now() - interval '1 day' THEN 1 ELSE t.failures + 1 END,
                    updated_at = now()
                RETURNING failures
                """, [.string(key)]).first?.int("failures") ?? 1
            let seconds = backoff.lockSeconds(afterFailures: failures)
            if seconds > 0 {
                try c.query("UPDATE auth.login_throttle SET locked_until = now() + $2 * interval '1 second' WHERE key = $1",
                            [.string(key), .int(seconds)])
            }
        }
    }

    /// A successful sign-in clears its keys.
    static func reset(_ c: PostgresConnection, keys: [String]) throws {
        try c.query("DELETE FROM auth.login_throttle WHERE key IN ($1, $2)", [.string(keys[0]), .string(keys.last ?? keys[0])])
    }
}
