import CLibPQ
import Foundation

/// One libpq connection. Every call blocks the calling thread, so use it on a
/// thread of your own (or through `PostgresClient`, which does that for you).
/// It is deliberately not Sendable: one thread at a time.
///
/// A connection found broken (`PQstatus` bad, e.g. after a server restart)
/// is re-established with `PQreset` on its next use; the statement that
/// discovered the break fails with a `.connection` error and is not retried.
public final class PostgresConnection {
    public let configuration: PostgresConfiguration
    let handle: OpaquePointer
    /// Channels to LISTEN on again after a reconnect.
    var listeningChannels: Set<String> = []
    /// `query`'s statements, prepared once per connection.
    var statements = PreparedStatements()

    public convenience init(url: String) throws(PostgresError) {
        try self.init(configuration: PostgresConfiguration(url: url))
    }

    public init(configuration: PostgresConfiguration) throws(PostgresError) {
        self.configuration = configuration
        // Fully set up before `self.handle` is assigned: once every stored
        // property is set, a throwing init runs deinit (PQfinish) too.
        handle = try Self.connect(configuration)
    }

    deinit {
        PQfinish(handle)
    }

    /// True while libpq considers the connection usable.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server process serving this connection (`pg_backend_pid()`).
    public var backendPID: Int { Int(PQbackendPID(handle)) }

    var transactionStatus: PGTransactionStatusType { PQtransactionStatus(handle) }

    /// Runs one statement with `$1`, `$2`… parameters (text format): a named
    /// prepared statement of this connection (`PreparedStatements`), else
    /// `PQexecParams`.
    @discardableResult
    public func query(_ sql: String, _ params: [PostgresValue?] = []) throws(PostgresError) -> PostgresRows {
        try ensureConnected()
        var texts: [UnsafeMutablePointer<CChar>?] = []
        texts.reserveCapacity(params.count)
        defer { texts.forEach { free($0) } }
        for param in params {
            texts.append(try param.map { value throws(PostgresError) in strdup(try value.text()) })
        }
        let types = params.map { $0?.typeOID ?? PostgresTypeOID.unknown }
        let values = texts.map { $0.map { UnsafePointer($0) } }
        guard let count = Int32(exactly: params.count) else {
            throw PostgresError(kind: .invalidParameter, message: "too many parameters")
        }
        guard let name = statements.name(for: sql, types: types, on: handle) else {
            return try takeResult(PQexecParams(handle, sql, count, types, values, nil, nil, 0))
        }
        do throws(PostgresError) {
            return try takeResult(PQexecPrepared(handle, name, count, values, nil, nil, 0))
        } catch where error.sqlState == Self.cachedPlanChanged {
            // The statement's result type changed under it (a migration altered
            // the table): prepare it afresh next time; outside a transaction,
            // run this call unprepared now.
            statements.forget(sql: sql, types: types)
            guard transactionStatus == PQTRANS_IDLE else { throw error }
            return try takeResult(PQexecParams(handle, sql, count, types, values, nil, nil, 0))
        }
    }

    /// "cached plan must not change result type" (feature_not_supported).
    static let cachedPlanChanged = "0A000"

    /// Runs a script of one or more `;`-separated statements (`PQexec`, no
    /// parameters); returns the last statement's rows.
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> PostgresRows {
        try ensureConnected()
        return try takeResult(PQexec(handle, sql))
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK (and rethrow) if `body` throws. If a
    /// statement failed inside `body` but `body` returned anyway, the
    /// transaction is rolled back and `.transactionAborted` is thrown.
    public func withTransaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        if transactionStatus == PQTRANS_INERROR {
            rollbackQuietly()
            throw PostgresError(kind: .transactionAborted,
                                message: "a statement in the transaction failed; it was rolled back")
        }
        try execute("COMMIT")
        return value
    }

    func rollbackQuietly() {
        if isConnected, transactionStatus != PQTRANS_IDLE {
            _ = try? execute("ROLLBACK")
        }
    }

    /// Reconnects if libpq has found the connection broken.
    func ensureConnected() throws(PostgresError) {
        guard PQstatus(handle) != CONNECTION_OK else { return }
        statements.removeAll()
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(kind: .connection, message: "reconnect failed: " + Self.errorMessage(handle))
        }
        try Self.configureSession(handle)
        for channel in listeningChannels {
            try execute("LISTEN " + quoteSQLIdentifier(channel))
        }
    }

    /// ISO dates (parsed by `PostgresRow.date`); NOTICEs are not printed,
    /// WARNINGs still go to stderr (libpq's default notice processor).
    private static func configureSession(_ handle: OpaquePointer) throws(PostgresError) {
        guard let result = PQexec(handle, "SET DateStyle TO ISO; SET client_min_messages TO warning") else {
            throw PostgresError(kind: .connection, message: errorMessage(handle))
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            throw PostgresError(result: result, connectionBroken: PQstatus(handle) != CONNECTION_OK,
                                fallbackMessage: errorMessage(handle))
        }
    }

    /// Turns a result into rows or a typed error, and always clears it.
    @discardableResult
    private func takeResult(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw PostgresError(kind: .connection, message: Self.errorMessage(handle))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(copying: result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQreset(handle)  // the only simple way out of COPY mode
            statements.removeAll()
            throw PostgresError(kind: .unsupported, message: "COPY is not supported; the connection was reset")
        default:
            throw PostgresError(result: result, connectionBroken: PQstatus(handle) != CONNECTION_OK,
                                fallbackMessage: Self.errorMessage(handle))
        }
    }

    private static func connect(_ configuration: PostgresConfiguration) throws(PostgresError) -> OpaquePointer {
        let parameters = configuration.connectionParameters
        let keywords = parameters.map { strdup($0.keyword) }
        let values = parameters.map { strdup($0.value) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordList = keywords.map { $0.map { UnsafePointer($0) } } + [nil]
        let valueList = values.map { $0.map { UnsafePointer($0) } } + [nil]
        guard let handle = PQconnectdbParams(keywordList, valueList, 1) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        do throws(PostgresError) {
            guard PQstatus(handle) == CONNECTION_OK else {
                throw PostgresError(kind: .connection, message: errorMessage(handle))
            }
            try configureSession(handle)
        } catch {
            PQfinish(handle)
            throw error
        }
        return handle
    }

    static func errorMessage(_ handle: OpaquePointer) -> String {
        let message = PQerrorMessage(handle).map { String(cString: $0) } ?? ""
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "unknown libpq error" : trimmed
    }
}

@available(*, unavailable, message: "a PostgresConnection belongs to one thread; share a PostgresClient")
extension PostgresConnection: Sendable {}

extension PostgresError {
    /// The diagnostics of a failed result (`PQresultErrorField`).
    init(result: OpaquePointer, connectionBroken: Bool, fallbackMessage: String) {
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
        }
        let sqlState = field(UInt8(ascii: "C"))  // PG_DIAG_SQLSTATE
        self.init(kind: connectionBroken || sqlState == nil ? .connection : .server,
                  sqlState: sqlState,
                  message: field(UInt8(ascii: "M")) ?? fallbackMessage,  // PG_DIAG_MESSAGE_PRIMARY
                  detail: field(UInt8(ascii: "D")),  // PG_DIAG_MESSAGE_DETAIL
                  hint: field(UInt8(ascii: "H")))  // PG_DIAG_MESSAGE_HINT
    }
}
