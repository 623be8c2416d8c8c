import ReelPostgres

enum DatabaseCheck {
    /// The readiness probe's database check (a fresh connection and `SELECT 1`
    /// each time), or nil when no database is configured.
    static func ping(url: String?) -> (@Sendable () async -> Bool)? {
        guard let url else { return nil }
        let client = PostgresClient(configuration: PostgresConfiguration(url: url, applicationName: "reel-readyz"), poolSize: 1)
        return { await client.ping(connectTimeout: 2) }
    }
}
