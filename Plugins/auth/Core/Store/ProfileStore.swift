import Foundation
import ReelPostgres

/// Public profiles (id, display name) read from auth.users, for names shown
/// next to other plugins' content. Never reads emails.
enum ProfileStore {
    /// The profiles of `ids` (canonical UUIDs) that exist, in no particular order.
    static func profiles(_ c: PostgresConnection, ids: [String]) throws -> [(id: String, displayName: String)] {
        guard !ids.isEmpty else { return [] }
        let list = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        return try c.query("""
            SELECT id::text AS id, display_name FROM auth.users
            WHERE id IN (SELECT value::uuid FROM json_array_elements_text($1::json))
            """, [.string(list)]).compactMap { row in
            guard let id = try row.string("id"), let name = try row.string("display_name") else { return nil }
            return (id, name)
        }
    }
}
