import ReelPostgres

/// notification.stream_tickets: single-use, short-lived tickets for EventSource.
enum TicketStore {
    static func create(_ c: PostgresConnection, ticket: String, user: String, ttlSeconds: Int) throws {
        try c.query("DELETE FROM notification.stream_tickets WHERE expires_at < clock_timestamp() - interval '1 hour'")
        try c.query("""
            INSERT INTO notification.stream_tickets (ticket_hash, user_id, expires_at)
            VALUES (sha256(convert_to($1, 'UTF8')), $2::uuid, clock_timestamp() + $3 * interval '1 second')
            """, [.string(ticket), .string(user), .int(ttlSeconds)])
    }

    /// Spends a ticket: its user, or nil if unknown, expired or already used.
    static func redeem(_ c: PostgresConnection, ticket: String) throws -> String? {
        try c.query("""
            UPDATE notification.stream_tickets SET used_at = clock_timestamp()
            WHERE ticket_hash = sha256(convert_to($1, 'UTF8')) AND used_at IS NULL AND expires_at > clock_timestamp()
            RETURNING user_id::text AS user_id
            """, [.string(ticket)]).first?.string("user_id")
    }

    /// The newest notification id of `user` (a new stream starts after it).
    static func latestId(_ c: PostgresConnection, user: String) throws -> Int64 {
        try c.query("SELECT coalesce(max(id), 0) AS id FROM notification.notifications WHERE user_id = $1::uuid",
                    [.string(user)]).first?.int64("id") ?? 0
    }
}
