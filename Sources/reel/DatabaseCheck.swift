import ReelPostgres

enum DatabaseCheck {
    /// The readiness probe's database check, or nil when no database is configured.
    static func ping(url: String?) -> (@Sendable () async -> Bool)? {
        guard let url else { return nil }
        return { await PostgresProbe.ping(url: url) }
    }
}
