import Foundation
import ReelPostgres

/// auth.login_throttle: consecutive failures and lockouts per key. In
/// PostgreSQL, so counters survive a hot-swap or restart and are shared by
/// every host on the database.
///
/// An attempt is *reserved* before the password is checked: in one
/// transaction its keys' rows are locked, refused if any is locked out, and
/// the attempt is counted as a failure (locking the key once past the
/// threshold). Concurrent guesses therefore see each other: no more than
/// `threshold` of them reach the password check. A success takes its
/// reservation back (`succeeded`).
enum ThrottleStore {
    /// The keys a login attempt counts against.
    static func keys(email: String, address: String) -> [String] {
        address.isEmpty ? [accountKey(email)] : [accountKey(email), addressKey(address)]
    }

    static func accountKey(_ email: String) -> String { "account:" + email }
    static func addressKey(_ address: String) -> String { "address:" + address }

    enum Reservation: Sendable, Equatable {
        /// Counted as a failure until `succeeded` takes it back.
        case reserved
        /// Whole seconds until every key is unlocked (nothing was counted).
        case locked(seconds: Int)
    }

    /// Reserves one attempt against `keys`. Run in a transaction: the rows
    /// stay locked until commit. Keys are locked in sorted order, so two
    /// attempts sharing keys never deadlock.
    static func reserve(_ c: PostgresConnection, keys: [String], backoff: Backoff) throws -> Reservation {
        var rows: [(key: String, failures: Int)] = []
        var wait = 0
        for key in Set(keys).sorted() {
            // DO UPDATE (a no-op) rather than DO NOTHING: it locks an existing row too.
            guard let row = try c.query("""
                INSERT INTO auth.login_throttle AS t (key, failures, updated_at) VALUES ($1, 0, now())
                ON CONFLICT (key) DO UPDATE SET key = t.key
                RETURNING CASE WHEN t.updated_at < now() - interval '1 day' THEN 0 ELSE t.failures END AS failures,
                          COALESCE(ceil(extract(epoch FROM t.locked_until - now())), 0)::bigint AS wait
                """, [.string(key)]).first else { continue }
            rows.append((key, try row.int("failures") ?? 0))
            wait = max(wait, try row.int("wait") ?? 0)
        }
        if wait > 0 {
            try c.query("DELETE FROM auth.login_throttle WHERE key IN ($1, $2) AND failures = 0",
                        [.string(keys[0]), .string(keys.last ?? keys[0])])
            return .locked(seconds: wait)
        }
        for (key, previous) in rows {
            let failures = previous + 1
            let seconds = backoff.lockSeconds(afterFailures: failures)
            try c.query("""
                UPDATE auth.login_throttle SET failures = $2, updated_at = now(),
                    locked_until = CASE WHEN $3 > 0 THEN now() + $3 * interval '1 second' ELSE NULL END
                WHERE key = $1
                """, [.string(key), .int(failures), .int(seconds)])
        }
        return .reserved
    }

    /// A correct password: the account's counter is cleared; the address's
    /// reservation is taken back (its earlier failures still count, so
    /// signing into one's own account between guesses at others' does not
    /// reset it).
    static func succeeded(_ c: PostgresConnection, keys: [String], backoff: Backoff) throws {
        for key in keys where key.hasPrefix("account:") {
            try c.query("DELETE FROM auth.login_throttle WHERE key = $1", [.string(key)])
        }
        for key in keys where !key.hasPrefix("account:") {
            try c.query("""
                UPDATE auth.login_throttle SET failures = failures - 1,
                    locked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE locked_until END
                WHERE key = $1
                """, [.string(key), .int(backoff.threshold)])
            try c.query("DELETE FROM auth.login_throttle WHERE key = $1 AND failures <= 0", [.string(key)])
        }
    }
}
