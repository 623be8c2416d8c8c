import ReelPostgres

/// notification.subscriptions (who follows whom).
enum SubscriptionStore {
    struct Row: Sendable {
        var creatorId: String
        var createdAt: String
        var createdMicros: Int64
    }

    static func subscribe(_ c: PostgresConnection, follower: String, creator: String) throws {
        try c.query("""
            INSERT INTO notification.subscriptions (follower_id, creator_id) VALUES ($1::uuid, $2::uuid)
            ON CONFLICT DO NOTHING
            """, [.string(follower), .string(creator)])
    }

    static func unsubscribe(_ c: PostgresConnection, follower: String, creator: String) throws {
        try c.query("DELETE FROM notification.subscriptions WHERE follower_id = $1::uuid AND creator_id = $2::uuid",
                    [.string(follower), .string(creator)])
    }

    /// Most recently followed first; `after` is the last row of the previous page.
    static func list(_ c: PostgresConnection, follower: String, after: (micros: Int64, id: String)?, limit: Int) throws -> [Row] {
        let rows = try c.query("""
            SELECT creator_id::text AS creator_id, \(SQLTime.iso("created_at")) AS created_at,
                   \(SQLTime.micros("created_at")) AS micros
            FROM notification.subscriptions
            WHERE follower_id = $1::uuid
              AND ($2::bigint IS NULL OR (\(SQLTime.micros("created_at")), creator_id) < ($2::bigint, $3::uuid))
            ORDER BY created_at DESC, creator_id DESC
            LIMIT $4
            """, [.string(follower), after.map { .int64($0.micros) }, after.map { .string($0.id) }, .int(limit)])
        return try rows.map { row in
            Row(creatorId: try row.string("creator_id") ?? "", createdAt: try row.string("created_at") ?? "",
                createdMicros: try row.int64("micros") ?? 0)
        }
    }

    static func followerCount(_ c: PostgresConnection, creator: String) throws -> Int {
        let rows = try c.query("SELECT count(*)::bigint AS n FROM notification.subscriptions WHERE creator_id = $1::uuid",
                               [.string(creator)])
        return try rows.first?.int("n") ?? 0
    }

    /// Up to `limit` followers of `creator` after `after` in id order (fan-out batches).
    static func followers(_ c: PostgresConnection, creator: String, after: String?, limit: Int) throws -> [String] {
        let rows = try c.query("""
            SELECT follower_id::text AS id FROM notification.subscriptions
            WHERE creator_id = $1::uuid AND ($2::uuid IS NULL OR follower_id > $2::uuid)
            ORDER BY follower_id LIMIT $3
            """, [.string(creator), after.map { .string($0) }, .int(limit)])
        return try rows.map { try $0.string("id") ?? "" }
    }

    static func isFollowing(_ c: PostgresConnection, follower: String, creator: String) throws -> Bool {
        try c.query("SELECT 1 FROM notification.subscriptions WHERE follower_id = $1::uuid AND creator_id = $2::uuid",
                    [.string(follower), .string(creator)]).first != nil
    }

    /// The creators `follower` follows (at most `limit`, most recently followed first).
    static func creators(_ c: PostgresConnection, follower: String, limit: Int) throws -> [String] {
        let rows = try c.query("""
            SELECT creator_id::text AS id FROM notification.subscriptions
            WHERE follower_id = $1::uuid
            ORDER BY created_at DESC, creator_id DESC LIMIT $2
            """, [.string(follower), .int(limit)])
        return try rows.map { try $0.string("id") ?? "" }
    }
}
