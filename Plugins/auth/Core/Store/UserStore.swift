import Foundation
import ReelPluginKit
import ReelPostgres

/// auth.users. Blocking functions for a pool thread's connection: call them
/// inside `PostgresClient.withConnection` / `withTransaction`.
enum UserStore {
    static func byID(_ c: PostgresConnection, _ id: String) throws -> User? {
        try c.query("SELECT \(User.columns()) FROM auth.users WHERE id = $1", [.string(id)]).first.map(User.init(row:))
    }

    /// The user a token is about to be issued for, share-locked until commit:
    /// a role change or disabling in progress (which holds the row) commits
    /// first, so the token never carries a state older than its revocation cut-off.
    static func forTokenIssue(_ c: PostgresConnection, _ id: String) throws -> User? {
        try c.query("SELECT \(User.columns()) FROM auth.users WHERE id = $1 FOR SHARE", [.string(id)]).first.map(User.init(row:))
    }

    /// The user and their argon2id hash.
    static func credentials(_ c: PostgresConnection, email: String) throws -> (user: User, passwordHash: String)? {
        try credentials(c, where: "email = $1", .string(email))
    }

    static func credentials(_ c: PostgresConnection, id: String) throws -> (user: User, passwordHash: String)? {
        try credentials(c, where: "id = $1", .string(id))
    }

    private static func credentials(_ c: PostgresConnection, where condition: String,
                                    _ value: PostgresValue) throws -> (user: User, passwordHash: String)? {
        guard let row = try c.query("SELECT \(User.columns()), password_hash FROM auth.users WHERE \(condition)", [value]).first,
              let hash = try row.string("password_hash")
        else { return nil }
        return (try User(row: row), hash)
    }

    /// Creates an account; the first one on an empty instance is an admin.
    /// The table lock makes "first" exact when several register at once
    /// (EXCLUSIVE still lets readers in). Must run in a transaction.
    static func create(_ c: PostgresConnection, email: String, displayName: String, passwordHash: String) throws -> User {
        try c.execute("LOCK TABLE auth.users IN EXCLUSIVE MODE")
        if try c.query("SELECT 1 FROM auth.users WHERE email = $1", [.string(email)]).first != nil {
            throw PluginError.alreadyExists("an account with this email already exists")
        }
        let isFirst = try c.query("SELECT NOT EXISTS (SELECT 1 FROM auth.users) AS first").first?.bool("first") ?? false
        let role: Role = isFirst ? .admin : .viewer
        let rows = try c.query("""
            INSERT INTO auth.users (email, display_name, password_hash, role) VALUES ($1, $2, $3, $4)
            RETURNING \(User.columns())
            """, [.string(email), .string(displayName), .string(passwordHash), .string(role.rawValue)])
        guard let row = rows.first else { throw PluginError.internal("the new account was not returned") }
        return try User(row: row)
    }

    /// One page in (created_at, id) order, after `cursor`.
    static func page(_ c: PostgresConnection, after cursor: UserCursor?, limit: Int) throws -> [User] {
        let rows: PostgresRows
        if let cursor {
            rows = try c.query("""
                SELECT \(User.columns()) FROM auth.users
                WHERE (created_at, id) > (timestamptz 'epoch' + $1 * interval '1 microsecond', $2::uuid)
                ORDER BY created_at, id LIMIT $3
                """, [.int64(cursor.createdMicros), .string(cursor.id), .int(limit)])
        } else {
            rows = try c.query("SELECT \(User.columns()) FROM auth.users ORDER BY created_at, id LIMIT $1", [.int(limit)])
        }
        return try rows.map(User.init(row:))
    }

    /// Changes a role or the disabled flag, refusing a change that would
    /// leave the instance without an enabled admin. Must run in a transaction:
    /// it locks the admins' rows so two such changes cannot race.
    static func update(_ c: PostgresConnection, id: String, role: Role? = nil, disabled: Bool? = nil) throws -> User {
        let admins = try c.query("SELECT id::text AS id FROM auth.users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE")
            .compactMap { try $0.string("id") }
        guard let current = try c.query("SELECT \(User.columns()) FROM auth.users WHERE id = $1 FOR UPDATE", [.string(id)])
            .first.map(User.init(row:))
        else { throw PluginError.notFound("no user with id \(id)") }
        let newRole = role ?? current.role
        let newDisabled = disabled ?? current.disabled
        let staysEnabledAdmin = newRole == .admin && !newDisabled
        if admins == [current.id], !staysEnabledAdmin {
            throw PluginError.failedPrecondition(
                "this is the last enabled admin; make another user admin first")
        }
        let rows = try c.query("""
            UPDATE auth.users SET role = $2, disabled = $3, updated_at = clock_timestamp()
            WHERE id = $1 RETURNING \(User.columns())
            """, [.string(id), .string(newRole.rawValue), .bool(newDisabled)])
        guard let row = rows.first else { throw PluginError.notFound("no user with id \(id)") }
        return try User(row: row)
    }

    static func setPasswordHash(_ c: PostgresConnection, id: String, passwordHash: String) throws {
        try c.query("UPDATE auth.users SET password_hash = $2, updated_at = clock_timestamp() WHERE id = $1",
                    [.string(id), .string(passwordHash)])
    }
}
