import Foundation
import ReelPostgres

extension VideoStore {
    /// The public, ready videos of `owners` (canonical UUIDs), newest
    /// published first, after the cursor (the catalog's `newest` keyset).
    static func publicByOwners(_ c: PostgresConnection, _ owners: [String], after: CatalogCursor?, limit: Int) throws -> [Video] {
        let json = String(decoding: try JSONEncoder().encode(owners), as: UTF8.self)
        return try c.query("""
            SELECT \(Video.columns) FROM video.videos v
            WHERE v.owner_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)
              AND v.state = 'ready' AND v.visibility = 'public' AND v.published_at IS NOT NULL
              AND ($2::bigint IS NULL
                   OR (v.published_at, v.id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid))
            ORDER BY v.published_at DESC, v.id DESC LIMIT $4
            """, [.string(json), after.map { .int64($0.key) }, after.map { .string($0.id) }, .int(limit)]).map(Video.init(row:))
    }
}
