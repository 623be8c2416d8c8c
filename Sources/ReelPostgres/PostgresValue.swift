import Foundation

/// A query parameter. Sent in text format with its type's OID (strings go as
/// `unknown`, so the server infers their type from the context: a string can
/// fill a `uuid`, `jsonb` or enum column). `nil` in a parameter list is NULL.
///
///     try connection.query("INSERT INTO t (id, name, n) VALUES ($1, $2, $3)",
///                          [.uuid(id), .string(name), nil])
public enum PostgresValue: Sendable, Hashable {
    case string(String)
    case int64(Int64)
    case bool(Bool)
    case double(Double)
    /// `bytea`, sent as hex (`\x0102…`).
    case data(Data)
    /// `timestamptz`, sent as ISO-8601 in UTC with microseconds.
    case date(Date)
    case uuid(UUID)

    public static func int(_ value: Int) -> PostgresValue { .int64(Int64(value)) }

    public init(_ value: String) { self = .string(value) }
    public init(_ value: Int) { self = .int64(Int64(value)) }
    public init(_ value: Int64) { self = .int64(value) }
    public init(_ value: Bool) { self = .bool(value) }
    public init(_ value: Double) { self = .double(value) }
    public init(_ value: Data) { self = .data(value) }
    public init(_ value: Date) { self = .date(value) }
    public init(_ value: UUID) { self = .uuid(value) }

    /// The type OID sent with the parameter (0: let the server infer it).
    var typeOID: UInt32 {
        switch self {
        case .string: PostgresTypeOID.unknown
        case .int64: PostgresTypeOID.int8
        case .bool: PostgresTypeOID.bool
        case .double: PostgresTypeOID.float8
        case .data: PostgresTypeOID.bytea
        case .date: PostgresTypeOID.timestamptz
        case .uuid: PostgresTypeOID.uuid
        }
    }

    /// The parameter in PostgreSQL's text format.
    func text() throws(PostgresError) -> String {
        switch self {
        case .string(let value):
            guard !value.utf8.contains(0) else {
                throw PostgresError(kind: .invalidParameter, message: "a string parameter contains a NUL character")
            }
            return value
        case .int64(let value):
            return String(value)
        case .bool(let value):
            return value ? "t" : "f"
        case .double(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
            return value.description
        case .data(let value):
            return PostgresBytea.hex(value)
        case .date(let value):
            return PostgresTimestamp.format(value)
        case .uuid(let value):
            return value.uuidString
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}
