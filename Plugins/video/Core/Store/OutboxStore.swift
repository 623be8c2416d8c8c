import Foundation
import ReelPostgres

/// video.transcode_outbox: transcode jobs waiting to be delivered.
enum OutboxStore {
    struct Job: Sendable {
        var videoId: String
        var ownerId: String
        var sourceKey: String
        var durationSeconds: Double
        var attempts: Int
    }

    /// Must run in the transaction that creates the video.
    static func insert(_ c: PostgresConnection, videoId: String, sourceKey: String) throws {
        try c.query("INSERT INTO video.transcode_outbox (video_id, source_key) VALUES ($1, $2)",
                    [.string(videoId), .string(sourceKey)])
    }

    /// Claims up to `limit` due jobs for `leaseSeconds` (another host polling
    /// the same database skips them meanwhile) and counts the attempt.
    static func claimDue(_ c: PostgresConnection, limit: Int, leaseSeconds: Int) throws -> [Job] {
        let rows = try c.query("""
            UPDATE video.transcode_outbox AS o
            SET attempts = o.attempts + 1, next_attempt_at = clock_timestamp() + $2 * interval '1 second'
            FROM video.videos v
            WHERE v.id = o.video_id AND o.video_id IN (
                SELECT video_id FROM video.transcode_outbox
                WHERE delivered_at IS NULL AND next_attempt_at <= clock_timestamp()
                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING o.video_id::text AS video_id, v.owner_id::text AS owner_id, o.source_key,
                      coalesce(v.duration_seconds, 0) AS duration_seconds, o.attempts
            """, [.int(limit), .int(leaseSeconds)])
        return try rows.map { row in
            Job(videoId: try row.string("video_id") ?? "", ownerId: try row.string("owner_id") ?? "",
                sourceKey: try row.string("source_key") ?? "", durationSeconds: try row.double("duration_seconds") ?? 0,
                attempts: try row.int("attempts") ?? 0)
        }
    }

    static func markDelivered(_ c: PostgresConnection, videoId: String) throws {
        try c.query("UPDATE video.transcode_outbox SET delivered_at = clock_timestamp(), last_error = NULL WHERE video_id = $1",
                    [.string(videoId)])
    }

    static func markFailed(_ c: PostgresConnection, videoId: String, error: String, retryInSeconds: Int) throws {
        try c.query("""
            UPDATE video.transcode_outbox SET last_error = $2, next_attempt_at = clock_timestamp() + $3 * interval '1 second'
            WHERE video_id = $1
            """, [.string(videoId), .string(error), .int(retryInSeconds)])
    }
}
