import ReelPostgres

/// notification.notifications: creation (with the recipients' settings and
/// the mail outbox, in one statement), the feed, read state.
enum NotificationStore {
    /// The LISTEN/NOTIFY channel: payload = the user id with new web notifications.
    static let channel = "reel_notification"

    /// Made notifications: (id, user) of each one shown on the web (for live push).
    struct Made: Sendable {
        var id: Int64
        var userId: String
        var web: Bool
    }

    /// Makes `n` for each of `users` (canonical ids) in one statement: each
    /// user's settings decide web and email (a type turned off everywhere
    /// makes nothing), emails are queued in the outbox, and a notification
    /// already made for the same cause is not made twice.
    @discardableResult
    static func make(_ c: PostgresConnection, _ n: NewNotification, for users: [String]) throws -> [Made] {
        guard !users.isEmpty else { return [] }
        let defaults = n.type.defaultChannels
        let rows = try c.query("""
            WITH chosen AS (
                SELECT r.user_id, coalesce(s.web, $3) AS web, coalesce(s.email, $4) AS email
                FROM unnest($1::uuid[]) AS r(user_id)
                LEFT JOIN notification.settings s ON s.user_id = r.user_id AND s.type = $2
            ), made AS (
                INSERT INTO notification.notifications
                    (user_id, type, web, email, actor_id, video_id, video_title, failure_reason, comment_id, thread_id, dedupe_key)
                SELECT user_id, $2, web, email, $5::uuid, $6::uuid, $7, $8, $9::uuid, $10::uuid, $11
                FROM chosen WHERE web OR email
                ON CONFLICT (user_id, type, dedupe_key) DO NOTHING
                RETURNING id, user_id, web, email
            ), mail AS (
                INSERT INTO notification.mail_outbox (notification_id) SELECT id FROM made WHERE email
            )
            SELECT id, user_id::text AS user_id, web,
                   -- Live streams on every host of the deployment (LiveFeed listens).
                   CASE WHEN web THEN pg_notify('\(channel)', user_id::text) END AS notified
            FROM made
            """, [.string(SQLArrays.uuids(users)), .string(n.type.rawValue), .bool(defaults.web), .bool(defaults.email),
                  n.actorId.map { .string($0) }, n.videoId.map { .string($0) }, n.videoTitle.map { .string($0) },
                  n.failureReason.map { .string($0) }, n.commentId.map { .string($0) }, n.threadId.map { .string($0) },
                  .string(n.dedupeKey)])
        return try rows.map { Made(id: try $0.int64("id") ?? 0, userId: try $0.string("user_id") ?? "", web: try $0.bool("web") ?? false) }
    }

    private static let columns = """
        id, user_id::text AS user_id, type, \(SQLTime.iso("created_at")) AS created_at, read_at IS NOT NULL AS read,
        actor_id::text AS actor_id, video_id::text AS video_id, video_title, failure_reason,
        comment_id::text AS comment_id, thread_id::text AS thread_id
        """

    /// The web feed, newest first: ids below `before` (the cursor), unread only if asked.
    static func list(_ c: PostgresConnection, user: String, before: Int64?, limit: Int, unreadOnly: Bool) throws -> [StoredNotification] {
        let rows = try c.query("""
            SELECT \(columns) FROM notification.notifications
            WHERE user_id = $1::uuid AND web AND ($2::bigint IS NULL OR id < $2::bigint)
              AND (NOT $3 OR read_at IS NULL)
            ORDER BY id DESC LIMIT $4
            """, [.string(user), before.map { .int64($0) }, .bool(unreadOnly), .int(limit)])
        return try rows.map(decode)
    }

    /// The web feed after `after`, oldest first (replay for live streams).
    static func since(_ c: PostgresConnection, user: String, after: Int64, limit: Int) throws -> [StoredNotification] {
        let rows = try c.query("""
            SELECT \(columns) FROM notification.notifications
            WHERE user_id = $1::uuid AND web AND id > $2::bigint
            ORDER BY id LIMIT $3
            """, [.string(user), .int64(after), .int(limit)])
        return try rows.map(decode)
    }

    static func load(_ c: PostgresConnection, id: Int64) throws -> StoredNotification? {
        try c.query("SELECT \(columns) FROM notification.notifications WHERE id = $1", [.int64(id)]).first.map(decode)
    }

    static func unreadCount(_ c: PostgresConnection, user: String) throws -> Int {
        let rows = try c.query("""
            SELECT count(*)::bigint AS n FROM notification.notifications
            WHERE user_id = $1::uuid AND web AND read_at IS NULL
            """, [.string(user)])
        return try rows.first?.int("n") ?? 0
    }

    static func markRead(_ c: PostgresConnection, user: String, ids: [Int64]) throws {
        try c.query("""
            UPDATE notification.notifications SET read_at = clock_timestamp()
            WHERE user_id = $1::uuid AND id = ANY($2::bigint[]) AND read_at IS NULL
            """, [.string(user), .string(SQLArrays.int64s(ids))])
    }

    static func markAllRead(_ c: PostgresConnection, user: String) throws {
        try c.query("""
            UPDATE notification.notifications SET read_at = clock_timestamp()
            WHERE user_id = $1::uuid AND read_at IS NULL
            """, [.string(user)])
    }

    private static func decode(_ row: PostgresRow) throws -> StoredNotification {
        StoredNotification(
            id: try row.int64("id") ?? 0, userId: try row.string("user_id") ?? "", type: try row.string("type") ?? "",
            createdAt: try row.string("created_at") ?? "", read: try row.bool("read") ?? false,
            actorId: try row.string("actor_id"), videoId: try row.string("video_id"), videoTitle: try row.string("video_title"),
            failureReason: try row.string("failure_reason"), commentId: try row.string("comment_id"),
            threadId: try row.string("thread_id"))
    }
}
