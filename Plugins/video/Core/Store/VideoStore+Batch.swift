import Foundation
import ReelPostgres

extension VideoStore {
    /// The videos among `ids` (canonical UUIDs) that exist, in no particular
    /// order (BatchGetVideos puts them in the order asked).
    static func byIDs(_ c: PostgresConnection, _ ids: [String]) throws -> [Video] {
        guard !ids.isEmpty else { return [] }
        let json = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        return try c.query("""
            SELECT \(Video.columns) FROM video.videos v
            WHERE v.id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)
            """, [.string(json)]).map(Video.init(row:))
    }
}
