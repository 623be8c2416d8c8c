import Foundation

/// One row. Getters look columns up by name, return nil for NULL, and throw
/// `PostgresError` (`.columnNotFound`, `.typeMismatch`) when the column is
/// missing or its type does not convert to the requested Swift type.
public struct PostgresRow: Sendable {
    private let layout: PostgresRowLayout
    /// The values in PostgreSQL's text format, nil for NULL.
    public let values: [String?]

    init(layout: PostgresRowLayout, values: [String?]) {
        self.layout = layout
        self.values = values
    }

    public var columns: [PostgresColumn] { layout.columns }

    public func isNull(_ column: String) throws(PostgresError) -> Bool {
        try cell(column).text == nil
    }

    /// Any column, in its text form.
    public func string(_ column: String) throws(PostgresError) -> String? {
        try cell(column).text
    }

    /// `int2`, `int4`, `int8` or `oid`.
    public func int64(_ column: String) throws(PostgresError) -> Int64? {
        try convert(column, PostgresTypeOID.integers, "Int64") { Int64($0) }
    }

    public func int(_ column: String) throws(PostgresError) -> Int? {
        try convert(column, PostgresTypeOID.integers, "Int") { Int($0) }
    }

    public func bool(_ column: String) throws(PostgresError) -> Bool? {
        try convert(column, [PostgresTypeOID.bool], "Bool") { $0 == "t" ? true : $0 == "f" ? false : nil }
    }

    /// `float4`, `float8`, `numeric` or an integer type.
    public func double(_ column: String) throws(PostgresError) -> Double? {
        try convert(column, PostgresTypeOID.floatingPoint, "Double") { Double($0) }
    }

    /// `timestamptz`, `timestamp` (read as UTC) or `date` (midnight UTC).
    public func date(_ column: String) throws(PostgresError) -> Date? {
        try convert(column, PostgresTypeOID.timestamps, "Date") { PostgresTimestamp.parse($0) }
    }

    public func uuid(_ column: String) throws(PostgresError) -> UUID? {
        try convert(column, [PostgresTypeOID.uuid], "UUID") { UUID(uuidString: $0) }
    }

    /// `bytea`.
    public func data(_ column: String) throws(PostgresError) -> Data? {
        try convert(column, [PostgresTypeOID.bytea], "Data") { PostgresBytea.decode($0) }
    }

    private func cell(_ column: String) throws(PostgresError) -> (text: String?, type: UInt32) {
        guard let index = layout.indexByName[column] else {
            let known = layout.columns.map(\.name).joined(separator: ", ")
            throw PostgresError(kind: .columnNotFound, message: "no column \"\(column)\" (columns: \(known))")
        }
        return (values[index], layout.columns[index].typeOID)
    }

    private func convert<T>(
        _ column: String, _ types: Set<UInt32>, _ swiftType: String, _ parse: (String) -> T?
    ) throws(PostgresError) -> T? {
        let (text, type) = try cell(column)
        guard types.contains(type) else {
            throw PostgresError(kind: .typeMismatch,
                                message: "column \"\(column)\" has type OID \(type), which does not convert to \(swiftType)")
        }
        guard let text else { return nil }
        guard let value = parse(text) else {
            throw PostgresError(kind: .typeMismatch,
                                message: "column \"\(column)\" value \(text.debugDescription) is not a valid \(swiftType)")
        }
        return value
    }
}
