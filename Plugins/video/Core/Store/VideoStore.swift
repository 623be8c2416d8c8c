import Foundation
import ReelPluginKit
import ReelPostgres

/// video.videos. Blocking functions for a pool thread's connection: call them
/// inside `PostgresClient.withConnection` / `withTransaction`.
enum VideoStore {
    /// What an upload that passed the probe becomes.
    struct NewVideo: Sendable {
        var id: String
        var ownerId: String
        var title: String
        var durationSeconds: Double
        var width: Int?
        var height: Int?
        var sourceKey: String
        var sourceFilename: String
        var sourceSize: Int64
        var sourceFormat: String
    }

    static func insert(_ c: PostgresConnection, _ v: NewVideo) throws -> Video {
        let rows = try c.query("""
            INSERT INTO video.videos AS v (id, owner_id, title, state, duration_seconds, width, height,
                                           source_key, source_filename, source_size, source_format)
            VALUES ($1, $2, $3, 'processing', $4, $5, $6, $7, $8, $9, $10)
            RETURNING \(Video.columns)
            """, [.string(v.id), .string(v.ownerId), .string(v.title), .double(v.durationSeconds),
                  v.width.map(PostgresValue.int), v.height.map(PostgresValue.int), .string(v.sourceKey),
                  .string(v.sourceFilename), .int64(v.sourceSize), .string(v.sourceFormat)])
        guard let row = rows.first else { throw PluginError.internal("the new video was not returned") }
        return try Video(row: row)
    }

    static func byID(_ c: PostgresConnection, _ id: String, forUpdate: Bool = false) throws -> Video? {
        try c.query("SELECT \(Video.columns) FROM video.videos v WHERE v.id = $1" + (forUpdate ? " FOR UPDATE" : ""),
                    [.string(id)]).first.map(Video.init(row:))
    }

    /// What the media routes need to know: who may fetch the video's files.
    static func accessInfo(_ c: PostgresConnection, _ id: String) throws -> (visibility: Visibility, state: VideoState)? {
        guard let row = try c.query("SELECT visibility, state FROM video.videos WHERE id = $1", [.string(id)]).first else {
            return nil
        }
        guard let visibility = try row.string("visibility").flatMap(Visibility.init(rawValue:)),
              let state = try row.string("state").flatMap(VideoState.init(rawValue:)) else {
            throw PostgresError(kind: .typeMismatch, message: "video.videos row with unknown visibility or state")
        }
        return (visibility, state)
    }

    /// Filters of the public catalog.
    struct CatalogQuery: Sendable {
        var order: CatalogCursor.Order   // .newest or .views
        var after: CatalogCursor?
        var tag: String?
        var search: String?
        var limit: Int
    }

    /// Public, ready videos in `order`, after the cursor.
    static func catalog(_ c: PostgresConnection, _ q: CatalogQuery) throws -> [Video] {
        var conditions = ["v.state = 'ready'", "v.visibility = 'public'", "v.published_at IS NOT NULL"]
        var params: [PostgresValue?] = []
        func param(_ value: PostgresValue) -> String {
            params.append(value)
            return "$\(params.count)"
        }
        if let tag = q.tag { conditions.append("v.tags @> ARRAY[\(param(.string(tag)))::text]") }
        if let search = q.search { conditions.append("v.search @@ websearch_to_tsquery('simple', \(param(.string(search))))") }
        let orderBy: String
        switch q.order {
        case .views:
            if let after = q.after {
                conditions.append("(v.views, v.id) < (\(param(.int64(after.key))), \(param(.string(after.id)))::uuid)")
            }
            orderBy = "v.views DESC, v.id DESC"
        default:
            if let after = q.after {
                conditions.append("(v.published_at, v.id) < (timestamptz 'epoch' + \(param(.int64(after.key))) * interval '1 microsecond', "
                                  + "\(param(.string(after.id)))::uuid)")
            }
            orderBy = "v.published_at DESC, v.id DESC"
        }
        let sql = "SELECT \(Video.columns) FROM video.videos v WHERE \(conditions.joined(separator: " AND ")) "
            + "ORDER BY \(orderBy) LIMIT \(param(.int(q.limit)))"
        return try c.query(sql, params).map(Video.init(row:))
    }

    /// One owner's videos in every state, newest first, after the cursor.
    static func byOwner(_ c: PostgresConnection, ownerId: String, after: CatalogCursor?, limit: Int) throws -> [Video] {
        if let after {
            return try c.query("""
                SELECT \(Video.columns) FROM video.videos v
                WHERE v.owner_id = $1
                  AND (v.created_at, v.id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3::uuid)
                ORDER BY v.created_at DESC, v.id DESC LIMIT $4
                """, [.string(ownerId), .int64(after.key), .string(after.id), .int(limit)]).map(Video.init(row:))
        }
        return try c.query("""
            SELECT \(Video.columns) FROM video.videos v WHERE v.owner_id = $1
            ORDER BY v.created_at DESC, v.id DESC LIMIT $2
            """, [.string(ownerId), .int(limit)]).map(Video.init(row:))
    }

    /// The fields of an owner's edit; nil leaves a field as it is.
    struct Changes: Sendable {
        var title: String?
        var description: String?
        var tags: [String]?
        var visibility: Visibility?
    }

    static func update(_ c: PostgresConnection, id: String, _ changes: Changes) throws -> Video {
        let tagsJSON = try changes.tags.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let rows = try c.query("""
            UPDATE video.videos AS v SET
                title = coalesce($2, v.title),
                description = coalesce($3, v.description),
                tags = CASE WHEN $4::jsonb IS NULL THEN v.tags ELSE ARRAY(SELECT jsonb_array_elements_text($4::jsonb)) END,
                visibility = coalesce($5, v.visibility),
                updated_at = clock_timestamp()
            WHERE v.id = $1 RETURNING \(Video.columns)
            """, [.string(id), changes.title.map(PostgresValue.string), changes.description.map(PostgresValue.string),
                  tagsJSON.map(PostgresValue.string), changes.visibility.map { .string($0.rawValue) }])
        guard let row = rows.first else { throw PluginError.notFound("no video with id \(id)") }
        return try Video(row: row)
    }

    static func delete(_ c: PostgresConnection, id: String) throws {
        try c.query("DELETE FROM video.videos WHERE id = $1", [.string(id)])
    }

    // MARK: - Transcoder updates

    struct Progress: Sendable {
        var percent: Int
        var rungsDone: Int?
        var rungsTotal: Int?
        /// nil keeps the stored key, "" clears it.
        var hlsKey: String?
    }

    static func markProgress(_ c: PostgresConnection, id: String, _ p: Progress) throws -> Video {
        let rows = try c.query("""
            UPDATE video.videos AS v SET progress = $2, rungs_done = coalesce($3, v.rungs_done),
                rungs_total = coalesce($4, v.rungs_total),
                hls_key = CASE WHEN $5::text IS NULL THEN v.hls_key ELSE nullif($5::text, '') END,
                updated_at = clock_timestamp()
            WHERE v.id = $1 AND v.state = 'processing' RETURNING \(Video.columns)
            """, [.string(id), .int(p.percent), p.rungsDone.map(PostgresValue.int), p.rungsTotal.map(PostgresValue.int),
                  p.hlsKey.map(PostgresValue.string)])
        if let row = rows.first { return try Video(row: row) }
        throw try missingOrWrongState(c, id: id, expected: "processing")
    }

    struct Renditions: Sendable {
        var posterKey: String?
        var hlsKey: String?
        var dashKey: String?
        var durationSeconds: Double?
        var thumbnailKeys: [String] = []
        /// Renditions made; nil keeps what progress reports said.
        var rungs: Int?
    }

    static func markReady(_ c: PostgresConnection, id: String, _ r: Renditions) throws -> Video {
        let rows = try c.query("""
            UPDATE video.videos AS v SET state = 'ready', progress = 100, failure_reason = NULL,
                poster_key = $2, hls_key = $3, dash_key = $4,
                duration_seconds = coalesce($5, v.duration_seconds),
                thumbnail_keys = ARRAY(SELECT jsonb_array_elements_text($6::jsonb)),
                rungs_total = coalesce($7, v.rungs_total), rungs_done = coalesce($7, v.rungs_total),
                published_at = coalesce(v.published_at, clock_timestamp()), updated_at = clock_timestamp()
            WHERE v.id = $1 RETURNING \(Video.columns)
            """, [.string(id), r.posterKey.map(PostgresValue.string), r.hlsKey.map(PostgresValue.string),
                  r.dashKey.map(PostgresValue.string), r.durationSeconds.map(PostgresValue.double),
                  .string(String(decoding: try JSONEncoder().encode(r.thumbnailKeys), as: UTF8.self)),
                  r.rungs.map(PostgresValue.int)])
        guard let row = rows.first else { throw PluginError.notFound("no video with id \(id)") }
        return try Video(row: row)
    }

    static func markFailed(_ c: PostgresConnection, id: String, reason: String) throws -> Video {
        let rows = try c.query("""
            UPDATE video.videos AS v SET state = 'failed', failure_reason = $2, updated_at = clock_timestamp()
            WHERE v.id = $1 AND v.state <> 'ready' RETURNING \(Video.columns)
            """, [.string(id), .string(reason)])
        if let row = rows.first { return try Video(row: row) }
        throw try missingOrWrongState(c, id: id, expected: "not ready")
    }

    private static func missingOrWrongState(_ c: PostgresConnection, id: String, expected: String) throws -> PluginError {
        guard let video = try byID(c, id) else { return .notFound("no video with id \(id)") }
        return .failedPrecondition("video \(id) is \(video.state.rawValue), not \(expected)")
    }
}
