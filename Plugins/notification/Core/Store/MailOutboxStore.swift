import ReelPostgres

/// notification.mail_outbox: emails waiting for the mail server.
enum MailOutboxStore {
    struct Due: Sendable {
        var notificationId: Int64
        var attempts: Int
    }

    /// Claims up to `limit` due emails for `leaseSeconds` (another host
    /// polling the same database skips them meanwhile) and counts the attempt.
    static func claimDue(_ c: PostgresConnection, limit: Int, leaseSeconds: Int) throws -> [Due] {
        let rows = try c.query("""
            UPDATE notification.mail_outbox
            SET attempts = attempts + 1, next_attempt_at = clock_timestamp() + $2 * interval '1 second'
            WHERE notification_id IN (
                SELECT notification_id FROM notification.mail_outbox
                WHERE sent_at IS NULL AND next_attempt_at <= clock_timestamp()
                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING notification_id, attempts
            """, [.int(limit), .int(leaseSeconds)])
        return try rows.map { Due(notificationId: try $0.int64("notification_id") ?? 0, attempts: try $0.int("attempts") ?? 0) }
    }

    /// Emails not sent yet (for reel_notification_email_outbox_depth).
    static func depth(_ c: PostgresConnection) throws -> Int64 {
        try c.query("SELECT count(*)::bigint AS depth FROM notification.mail_outbox WHERE sent_at IS NULL")
            .first.flatMap { try $0.int64("depth") } ?? 0
    }

    static func markSent(_ c: PostgresConnection, id: Int64) throws {
        try c.query("UPDATE notification.mail_outbox SET sent_at = clock_timestamp(), last_error = NULL WHERE notification_id = $1",
                    [.int64(id)])
    }

    static func markFailed(_ c: PostgresConnection, id: Int64, error: String, retryInSeconds: Int) throws {
        try c.query("""
            UPDATE notification.mail_outbox
            SET last_error = $2, next_attempt_at = clock_timestamp() + $3 * interval '1 second'
            WHERE notification_id = $1
            """, [.int64(id), .string(String(error.prefix(500))), .int(retryInSeconds)])
    }

    /// Gives up on an email that can never be sent (the account is gone).
    static func drop(_ c: PostgresConnection, id: Int64, reason: String) throws {
        try c.query("UPDATE notification.mail_outbox SET sent_at = clock_timestamp(), last_error = $2 WHERE notification_id = $1",
                    [.int64(id), .string(reason)])
    }
}
