import CLibPQ

/// A connection's named prepared statements, by SQL text and parameter
/// types: `query` parses and plans a statement once per connection, then
/// only binds and executes it (PostgreSQL's plan cache; pgbench's
/// `-M prepared`), instead of a parse and plan per call. Bounded: past
/// `limit` distinct statements (SQL built with literals in it, say) the rest
/// run unprepared. Server-side statements belong to the session: forget
/// them all when the connection is reset.
struct PreparedStatements {
    static let limit = 256

    private struct Key: Hashable {
        let sql: String
        let types: [Oid]
    }

    private var names: [Key: String] = [:]
    private var counter = 0

    /// The statement's name, preparing it on first use; nil when it runs
    /// unprepared (the cache is full, or the server refused to prepare it:
    /// running it unprepared then reports the error as usual).
    mutating func name(for sql: String, types: [Oid], on handle: OpaquePointer) -> String? {
        let key = Key(sql: sql, types: types)
        if let name = names[key] { return name }
        guard names.count < Self.limit else { return nil }
        counter += 1
        let name = "reel_\(counter)"
        guard let result = PQprepare(handle, name, sql, Int32(clamping: types.count), types) else { return nil }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { return nil }
        names[key] = name
        return name
    }

    /// Stops using the statement (its plan no longer fits, e.g. a table's
    /// columns changed): the next call prepares it afresh under a new name.
    mutating func forget(sql: String, types: [Oid]) {
        names[Key(sql: sql, types: types)] = nil
    }

    /// After a reconnect: the new session has none of them.
    mutating func removeAll() {
        names.removeAll()
    }
}
