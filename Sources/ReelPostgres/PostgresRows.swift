import CLibPQ

/// A result column: its name and its type's OID (see `PostgresTypeOID`).
public struct PostgresColumn: Sendable, Hashable {
    public let name: String
    public let typeOID: UInt32
}

/// The rows of a result, copied out of libpq's `PGresult` (which is freed
/// before the query returns), so they can travel between threads and tasks.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// Rows touched by INSERT/UPDATE/DELETE/SELECT…, when the command reports it.
    public let affectedRows: Int?
    /// The command tag, e.g. `INSERT 0 1`.
    public let commandTag: String
    private let layout: PostgresRowLayout
    private let cells: [[String?]]

    public var columns: [PostgresColumn] { layout.columns }
    public var startIndex: Int { cells.startIndex }
    public var endIndex: Int { cells.endIndex }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(layout: layout, values: cells[position])
    }

    /// Copies everything out of `result`; the caller still owns (and clears) it.
    init(copying result: OpaquePointer) {
        let fieldCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<fieldCount).map { field in
            PostgresColumn(name: PQfname(result, field).map { String(cString: $0) } ?? "",
                           typeOID: PQftype(result, field))
        }
        layout = PostgresRowLayout(columns: columns)
        cells = (0..<rowCount).map { row in
            (0..<fieldCount).map { field in
                guard PQgetisnull(result, row, field) == 0, let value = PQgetvalue(result, row, field) else {
                    return nil
                }
                return String(cString: value)
            }
        }
        affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) }
        commandTag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
    }
}

/// Column names and types shared by every row of one result.
final class PostgresRowLayout: Sendable {
    let columns: [PostgresColumn]
    let indexByName: [String: Int]

    init(columns: [PostgresColumn]) {
        self.columns = columns
        // With duplicate names (SELECT 1 AS a, 2 AS a), the first column wins.
        indexByName = Dictionary(columns.enumerated().map { ($0.element.name, $0.offset) },
                                 uniquingKeysWith: { first, _ in first })
    }
}
