import ReelPostgres

/// comment.settings: whether comments are on for a video (on when no row).
enum SettingsStore {
    static func enabled(_ c: PostgresConnection, videoId: String) throws -> Bool {
        try c.query("SELECT enabled FROM comment.settings WHERE video_id = $1", [.string(videoId)]).first?.bool("enabled") ?? true
    }

    static func set(_ c: PostgresConnection, videoId: String, enabled: Bool) throws {
        try c.query("""
            INSERT INTO comment.settings (video_id, enabled) VALUES ($1, $2)
            ON CONFLICT (video_id) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = clock_timestamp()
            """, [.string(videoId), .bool(enabled)])
    }
}
