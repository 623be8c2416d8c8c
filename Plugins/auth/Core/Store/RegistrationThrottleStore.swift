import Foundation
import ReelPostgres

/// auth.registration_throttle: registrations per client address in a fixed
/// window (`RegistrationLimit`).
enum RegistrationThrottleStore {
    /// Counts one registration attempt of `address`; returns the whole seconds
    /// until its window ends if the attempt is over the limit, else nil.
    static func count(_ c: PostgresConnection, address: String, limit: RegistrationLimit) throws -> Int? {
        guard let row = try c.query("""
            INSERT INTO auth.registration_throttle AS t (address, window_start, count) VALUES ($1, now(), 1)
            ON CONFLICT (address) DO UPDATE SET
                count = CASE WHEN t.window_start <= now() - $2 * interval '1 second' THEN 1 ELSE t.count + 1 END,
                window_start = CASE WHEN t.window_start <= now() - $2 * interval '1 second' THEN now() ELSE t.window_start END
            RETURNING count, ceil(extract(epoch FROM window_start + $2 * interval '1 second' - now()))::bigint AS wait
            """, [.string(address), .int(limit.windowSeconds)]).first
        else { return nil }
        let count = try row.int("count") ?? 1
        return count > limit.perAddress ? max(try row.int("wait") ?? 1, 1) : nil
    }
}
