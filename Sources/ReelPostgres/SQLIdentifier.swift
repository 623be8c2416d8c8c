import Foundation

/// Quotes a name for use as an SQL identifier: `my "x"` → `"my ""x"""`.
/// Throws for names PostgreSQL cannot store (empty, or containing NUL).
public func quoteSQLIdentifier(_ name: String) throws(PostgresError) -> String {
    guard !name.isEmpty, !name.utf8.contains(0) else {
        throw PostgresError(kind: .invalidParameter, message: "invalid SQL identifier \(name.debugDescription)")
    }
    return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
