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

    /// Records an event (due at once).
    static func record(_ c: PostgresConnection, topic: String, payload: [UInt8]) throws {
        try c.query("INSERT INTO notification.inbox (topic, payload) VALUES ($1, $2)", [.string(topic), .data(Data(payload))])
    }

    /// Claims up to `limit` due events received at least `holdSeconds` ago
    /// (0 in production), oldest first, for `leaseSeconds` (another host on
    /// the same database skips them meanwhile).
    static func claimDue(_ c: PostgresConnection, limit: Int, leaseSeconds: Int, holdSeconds: Int = 0) throws -> [Event] {
        let rows = try c.query("""
            UPDATE notification.inbox
            SET attempts = attempts + 1, next_attempt_at = clock_timestamp() + $2 * interval '1 second'
            WHERE id IN (
                SELECT id FROM notification.inbox
                WHERE next_attempt_at <= clock_timestamp() AND received_at <= clock_timestamp() - $3 * interval '1 second'
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, topic, payload, attempts
            """, [.int(limit), .int(leaseSeconds), .int(holdSeconds)])
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
