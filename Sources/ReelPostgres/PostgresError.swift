/// Every error thrown by ReelPostgres's connections and client.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Could not connect, or the connection broke (it is re-established on next use).
        case connection
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// A parameter cannot be sent (e.g. a string containing NUL).
        case invalidParameter
        /// A row has no column of that name.
        case columnNotFound
        /// A column's type or text does not convert to the requested Swift type.
        case typeMismatch
        /// The transaction had already failed when the body returned; it was rolled back.
        case transactionAborted
        /// The server answered in a way this library does not handle (e.g. COPY).
        case unsupported
        /// The client was closed.
        case clientClosed
    }

    public var kind: Kind
    /// The five-character SQLSTATE (`PG_DIAG_SQLSTATE`), when the server sent one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    /// The database cannot be reached right now (no connection, a broken one,
    /// or a server shutting down or starting: SQLSTATE classes 08 and 57P);
    /// trying again later may succeed.
    public var isUnavailable: Bool {
        if kind == .connection { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("57P")
    }

    /// SQLSTATE 23505: a row with this unique key already exists.
    public var isUniqueViolation: Bool { sqlState == SQLState.uniqueViolation }

    /// The thing being created already exists: a unique violation (23505) or
    /// a duplicate database, schema, table, object or function (42P04, 42P06,
    /// 42P07, 42710, 42723).
    public var isAlreadyExists: Bool {
        guard let sqlState else { return false }
        return SQLState.alreadyExists.contains(sqlState)
    }

    public var description: String {
        var text = "PostgreSQL error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        if let hint { text += " hint: \(hint)" }
        return text
    }

    /// SQLSTATE codes this package and its users test for.
    public enum SQLState {
        public static let uniqueViolation = "23505"
        public static let foreignKeyViolation = "23503"
        public static let notNullViolation = "23502"
        public static let checkViolation = "23514"
        public static let serializationFailure = "40001"
        public static let deadlockDetected = "40P01"
        public static let syntaxError = "42601"
        public static let undefinedTable = "42P01"
        public static let duplicateDatabase = "42P04"
        public static let duplicateSchema = "42P06"
        public static let duplicateTable = "42P07"
        public static let duplicateObject = "42710"
        public static let duplicateFunction = "42723"
        public static let adminShutdown = "57P01"

        static let alreadyExists: Set<String> = [
            uniqueViolation, duplicateDatabase, duplicateSchema, duplicateTable,
            duplicateObject, duplicateFunction,
        ]
    }
}
