import Foundation
import ReelPostgres

/// The roles of reel.auth.v1.User.role.
public enum Role: String, Sendable, CaseIterable {
    case viewer, creator, admin
}

/// A user as the API shows it (reel.auth.v1.User), read from auth.users.
public struct User: Sendable, Equatable {
    public var id: String           // UUID, lower-case
    public var email: String        // normalized (lower-case)
    public var displayName: String
    public var role: Role
    public var disabled: Bool
    public var createdAt: String    // ISO-8601 UTC, milliseconds
    /// created_at in microseconds since 1970: the exact keyset-pagination key.
    public var createdMicros: Int64

    /// The columns `init(row:)` reads, for a users table aliased `alias`.
    static func columns(_ alias: String = "users") -> String {
        """
        \(alias).id::text AS id, \(alias).email, \(alias).display_name, \(alias).role, \(alias).disabled,
        to_char(\(alias).created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at_iso,
        (extract(epoch FROM \(alias).created_at) * 1000000)::bigint AS created_micros
        """
    }

    init(row: PostgresRow) throws {
        guard let id = try row.string("id"), let email = try row.string("email"),
              let displayName = try row.string("display_name"),
              let role = try row.string("role").flatMap(Role.init(rawValue:)),
              let disabled = try row.bool("disabled"), let createdAt = try row.string("created_at_iso"),
              let createdMicros = try row.int64("created_micros")
        else { throw PostgresError(kind: .typeMismatch, message: "auth.users row with NULL or unknown values") }
        self.init(id: id, email: email, displayName: displayName, role: role, disabled: disabled,
                  createdAt: createdAt, createdMicros: createdMicros)
    }

    public init(id: String, email: String, displayName: String, role: Role, disabled: Bool,
                createdAt: String, createdMicros: Int64) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
        self.disabled = disabled
        self.createdAt = createdAt
        self.createdMicros = createdMicros
    }
}
