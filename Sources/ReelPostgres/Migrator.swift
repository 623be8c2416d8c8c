/// Applies a service's migrations to the PostgreSQL schema it owns.
///
/// Bookkeeping lives in `<schema>.schema_migrations`. Every step runs in its
/// own transaction that first takes `pg_advisory_xact_lock` keyed on the
/// schema, then re-reads what is applied: hosts starting at once apply each
/// migration exactly once, whoever gets there first.
public struct Migrator: Sendable {
    public let schema: String
    public let migrations: [Migration]

    public init(schema: String, migrations: [Migration]) {
        self.schema = schema
        self.migrations = migrations
    }

    /// Applies the pending migrations in order; returns the versions applied
    /// by this call (empty when the schema was already up to date).
    public func migrate(_ client: PostgresClient) async throws -> [Int] {
        try await client.withConnection { connection in try self.migrate(connection) }
    }

    /// The same, blocking, on a connection of your own.
    public func migrate(_ connection: PostgresConnection) throws -> [Int] {
        try validate()
        var checksums: [Int: String] = [:]
        for migration in migrations {
            checksums[migration.version] = try checksum(of: migration, on: connection)
        }
        var applied: [Int] = []
        while let version = try applyNext(on: connection, checksums: checksums) {
            applied.append(version)
        }
        return applied
    }

    /// One transaction: lock, check the history, apply the first pending migration.
    private func applyNext(on connection: PostgresConnection, checksums: [Int: String]) throws -> Int? {
        let quoted = try quoteSQLIdentifier(schema)
        return try connection.withTransaction { connection -> Int? in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [.int64(lockKey)])
            try connection.execute("""
                CREATE SCHEMA IF NOT EXISTS \(quoted);
                CREATE TABLE IF NOT EXISTS \(quoted).schema_migrations (
                    version int PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let rows = try connection.query("SELECT version, checksum FROM \(quoted).schema_migrations ORDER BY version")
            var appliedChecksums: [Int: String] = [:]
            for row in rows {
                if let version = try row.int("version") { appliedChecksums[version] = try row.string("checksum") }
            }
            for (version, checksum) in appliedChecksums.sorted(by: { $0.key < $1.key }) {
                guard let migration = migrations.first(where: { $0.version == version }) else {
                    throw MigrationError.unknownAppliedVersion(version)
                }
                guard checksums[version] == checksum else {
                    throw MigrationError.checksumMismatch(version: version, name: migration.name)
                }
            }
            guard let next = migrations.first(where: { appliedChecksums[$0.version] == nil }) else { return nil }
            if let highest = appliedChecksums.keys.max(), highest > next.version {
                throw MigrationError.pendingBelowApplied(version: next.version, highestApplied: highest)
            }
            try connection.execute("SET LOCAL search_path TO \(quoted)")
            do throws(PostgresError) {
                try connection.execute(next.sql)
            } catch {
                throw MigrationError.migrationFailed(version: next.version, name: next.name, error: error)
            }
            try connection.query(
                "INSERT INTO \(quoted).schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, now())",
                [.int(next.version), .string(next.name), checksums[next.version].map(PostgresValue.string)])
            return next.version
        }
    }

    private func validate() throws(MigrationError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_".utf8)
        guard let first = schema.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
              schema.utf8.count <= 63, schema.utf8.allSatisfy(allowed.contains), !schema.hasPrefix("pg_")
        else { throw MigrationError.invalidSchemaName(schema) }
        var previous = 0
        for migration in migrations {
            guard migration.version > previous else {
                throw MigrationError.versionsNotIncreasing(previous: previous, next: migration.version)
            }
            previous = migration.version
        }
    }

    /// SHA-256 of the SQL (UTF-8), hex, computed by the server.
    private func checksum(of migration: Migration, on connection: PostgresConnection) throws -> String {
        let rows = try connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS checksum",
                                        [.string(migration.sql)])
        return try rows.first?.string("checksum") ?? ""
    }

    /// The advisory lock's key: FNV-1a (64-bit) of "reel.migrations." + schema,
    /// stable across processes and builds (unlike Swift's `Hasher`).
    private var lockKey: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ("reel.migrations." + schema).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
