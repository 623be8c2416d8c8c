/// One step of a schema's history. Once applied, its `sql` must never change
/// (the migrator compares checksums); fix mistakes with a new migration.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    /// One or more `;`-separated statements, run in one transaction with
    /// `search_path` set to the schema (so unqualified names land there).
    /// Statements that cannot run in a transaction (CREATE INDEX
    /// CONCURRENTLY, VACUUM) are not allowed.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Why `Migrator.migrate` refused to run, or which migration failed.
public enum MigrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Schema names are `[a-z_][a-z0-9_]*`, at most 63 bytes, not starting with `pg_`.
    case invalidSchemaName(String)
    /// The migration list's versions must be positive and strictly increasing.
    case versionsNotIncreasing(previous: Int, next: Int)
    /// An applied migration's SQL was edited since it was applied.
    case checksumMismatch(version: Int, name: String)
    /// The database has a version this code does not know (a newer build applied it).
    case unknownAppliedVersion(Int)
    /// A migration newer than it was added below the highest applied version.
    case pendingBelowApplied(version: Int, highestApplied: Int)
    /// The migration's SQL failed; nothing of it was kept.
    case migrationFailed(version: Int, name: String, error: PostgresError)

    public var description: String {
        switch self {
        case .invalidSchemaName(let name):
            "invalid schema name \(name.debugDescription): use [a-z_][a-z0-9_]*, at most 63 bytes, not pg_*"
        case .versionsNotIncreasing(let previous, let next):
            "migration versions must be positive and strictly increasing: \(next) follows \(previous)"
        case .checksumMismatch(let version, let name):
            "migration \(version) (\(name)) was changed after it was applied; add a new migration instead"
        case .unknownAppliedVersion(let version):
            "the database has migration \(version), which this build does not know (is it older than the database?)"
        case .pendingBelowApplied(let version, let highestApplied):
            "migration \(version) is not applied but \(highestApplied) is; new migrations must have higher versions"
        case .migrationFailed(let version, let name, let error):
            "migration \(version) (\(name)) failed: \(error)"
        }
    }
}
