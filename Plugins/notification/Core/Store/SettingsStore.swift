import ReelPostgres

/// notification.settings: a row per user and type they changed.
enum SettingsStore {
    static func load(_ c: PostgresConnection, user: String) throws -> NotificationSettings {
        let rows = try c.query("SELECT type, web, email FROM notification.settings WHERE user_id = $1::uuid", [.string(user)])
        var overrides: [NotificationType: Channels] = [:]
        for row in rows {
            guard let type = NotificationType(rawValue: try row.string("type") ?? "") else { continue }
            overrides[type] = Channels(web: try row.bool("web") ?? true, email: try row.bool("email") ?? false)
        }
        return NotificationSettings(overrides: overrides)
    }

    static func save(_ c: PostgresConnection, user: String, _ changes: [NotificationType: Channels]) throws {
        for (type, channels) in changes {
            try c.query("""
                INSERT INTO notification.settings (user_id, type, web, email) VALUES ($1::uuid, $2, $3, $4)
                ON CONFLICT (user_id, type) DO UPDATE SET web = EXCLUDED.web, email = EXCLUDED.email
                """, [.string(user), .string(type.rawValue), .bool(channels.web), .bool(channels.email)])
        }
    }
}
