import Foundation
import ReelPluginKit
import ReelPostgres

/// A tus upload, as video.uploads keeps it.
struct UploadRecord: Sendable, Equatable {
    var id: String
    var ownerId: String
    var length: Int64
    var metadata: String
    var filename: String
    var title: String
    var expiresAt: Date
    var videoId: String?

    var isExpired: Bool { videoId == nil && expiresAt <= Date() }

    static let columns = """
        id::text AS id, owner_id::text AS owner_id, length, metadata, filename, title,
        extract(epoch FROM expires_at)::float8 AS expires_epoch, video_id::text AS video_id
        """

    init(id: String, ownerId: String, length: Int64, metadata: String, filename: String, title: String,
         expiresAt: Date, videoId: String? = nil) {
        self.id = id
        self.ownerId = ownerId
        self.length = length
        self.metadata = metadata
        self.filename = filename
        self.title = title
        self.expiresAt = expiresAt
        self.videoId = videoId
    }

    init(row: PostgresRow) throws {
        guard let id = try row.string("id"), let ownerId = try row.string("owner_id"), let length = try row.int64("length"),
              let metadata = try row.string("metadata"), let filename = try row.string("filename"),
              let title = try row.string("title"), let expires = try row.double("expires_epoch")
        else { throw PostgresError(kind: .typeMismatch, message: "video.uploads row with NULL values") }
        self.init(id: id, ownerId: ownerId, length: length, metadata: metadata, filename: filename, title: title,
                  expiresAt: Date(timeIntervalSince1970: expires), videoId: try row.string("video_id"))
    }
}

/// video.uploads (blocking; use inside `PostgresClient.withConnection`).
enum UploadStore {
    static func insert(_ c: PostgresConnection, _ u: UploadRecord) throws {
        try c.query("""
            INSERT INTO video.uploads (id, owner_id, length, metadata, filename, title, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [.string(u.id), .string(u.ownerId), .int64(u.length), .string(u.metadata), .string(u.filename),
                  .string(u.title), .date(u.expiresAt)])
    }

    static func byID(_ c: PostgresConnection, _ id: String) throws -> UploadRecord? {
        try c.query("SELECT \(UploadRecord.columns) FROM video.uploads WHERE id = $1", [.string(id)]).first
            .map(UploadRecord.init(row:))
    }

    /// Marks the upload done; false if it is gone or already done (so the
    /// caller's transaction must not create a second video).
    static func complete(_ c: PostgresConnection, id: String, videoId: String) throws -> Bool {
        let rows = try c.query("""
            UPDATE video.uploads SET video_id = $2, completed_at = clock_timestamp()
            WHERE id = $1 AND video_id IS NULL
            """, [.string(id), .string(videoId)])
        return rows.affectedRows == 1
    }

    static func delete(_ c: PostgresConnection, id: String) throws {
        try c.query("DELETE FROM video.uploads WHERE id = $1", [.string(id)])
    }

    /// Uploads past their expiry (finished ones too: their bytes are already
    /// gone, only the row is left).
    static func expired(_ c: PostgresConnection, limit: Int) throws -> [UploadRecord] {
        try c.query("SELECT \(UploadRecord.columns) FROM video.uploads WHERE expires_at <= now() ORDER BY expires_at LIMIT $1",
                    [.int(limit)]).map(UploadRecord.init(row:))
    }

    /// Which of `ids` have a row.
    static func existing(_ c: PostgresConnection, ids: [String]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let json = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        let rows = try c.query("""
            SELECT id::text AS id FROM video.uploads WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)
            """, [.string(json)])
        return Set(try rows.compactMap { try $0.string("id") })
    }
}
