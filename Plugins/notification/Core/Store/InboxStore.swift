import Foundation
import ReelPostgres

/// notification.inbox: bus events recorded before the bus handler returns,
/// processed (and deleted) by the event worker, so an event is not lost when
/// the process dies before it is turned into notifications.
enum InboxStore {
    struct Event: Sendable {
        var id: Int64
        var topic: String
        var payload: [UInt8]
        var attempts: Int
    }

    /// Records an event, due after `holdSeconds` (0 in production).
    static func record(_ c: PostgresConnection, topic: String, payload: [UInt8], holdSeconds: Int) throws {
        try c.query("""
            INSERT INTO notification.inbox (topic, payload, next_attempt_at)
            VALUES ($1, $2, clock_timestamp() + $3 * interval '1 second')
            """, [.string(topic), .data(Data(payload)), .int(holdSeconds)])
    }

    /// Claims up to `limit` due events, oldest first, for `leaseSeconds`
    /// (another host on the same database skips them meanwhile).
    static func claimDue(_ c: PostgresConnection, limit: Int, leaseSeconds: Int) throws -> [Event] {
        let rows = try c.query("""
            UPDATE notification.inbox
            SET attempts = attempts + 1, next_attempt_at = clock_timestamp() + $2 * interval '1 second'
            WHERE id IN (
                SELECT id FROM notification.inbox WHERE next_attempt_at <= clock_timestamp()
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, topic, payload, attempts
            """, [.int(limit), .int(leaseSeconds)])
        return try rows.map { row in
            Event(id: try row.int64("id") ?? 0, topic: try row.string("topic") ?? "",
                  payload: Array(try row.data("payload") ?? Data()), attempts: try row.int("attempts") ?? 0)
        }.sorted { $0.id < $1.id }
    }

    static func done(_ c: PostgresConnection, id: Int64) throws {
        try c.query("DELETE FROM notification.inbox WHERE id = $1", [.int64(id)])
    }

    static func retryLater(_ c: PostgresConnection, id: Int64, error: String, inSeconds: Int) throws {
        try c.query("""
            UPDATE notification.inbox SET last_error = $2, next_attempt_at = clock_timestamp() + $3 * interval '1 second'
            WHERE id = $1
            """, [.int64(id), .string(String(error.prefix(500))), .int(inSeconds)])
    }
}
