import Foundation
import ReelPluginKit
import ReelPostgres

/// video.watch_positions, video.view_log and the media signing key in
/// video.settings. Blocking functions for a pool thread's connection.
enum ViewingStore {
    /// Saves where `userId` is in `videoId`.
    static func savePosition(_ c: PostgresConnection, userId: String, videoId: String, seconds: Double) throws {
        try c.query("""
            INSERT INTO video.watch_positions (user_id, video_id, position_seconds) VALUES ($1, $2, $3)
            ON CONFLICT (user_id, video_id) DO UPDATE
                SET position_seconds = EXCLUDED.position_seconds, updated_at = clock_timestamp()
            """, [.string(userId), .string(videoId), .double(seconds)])
    }

    /// How much of a video must play before a view counts: 5 s, or 30 % of
    /// a shorter video (issue #19: a view is real playback, not a request).
    static func watchSeconds(duration: Double?) -> Double {
        guard let duration, duration.isFinite, duration > 0 else { return 5 }
        return min(5, 0.3 * duration)
    }

    /// The wall-clock time that must pass between a viewer's first contact
    /// with a video (that day) and the report that counts: half of
    /// `watchSeconds`, so playback at up to 2x still counts.
    static func minimumElapsed(duration: Double?) -> Double {
        watchSeconds(duration: duration) / 2
    }

    /// One contact of `viewer` with `videoId` on `day` (YYYY-MM-DD, UTC).
    /// The first one starts the clock (a `view_log` row, not counted); a later
    /// one counts the view — once — if `playedEnough` (the reported position
    /// is past `watchSeconds`, or there is no position) and at least
    /// `minimumElapsedSeconds` passed since the first. Returns whether this
    /// call counted and the views after it.
    static func countView(_ c: PostgresConnection, videoId: String, viewer: String, day: String,
                          playedEnough: Bool = true, minimumElapsedSeconds: Double) throws -> (counted: Bool, views: Int64) {
        let rows = try c.query("""
            WITH started AS (
                INSERT INTO video.view_log (video_id, day, viewer, counted) VALUES ($1, $2::date, $3, false)
                ON CONFLICT DO NOTHING RETURNING 1
            ), logged AS (
                UPDATE video.view_log SET counted = true
                WHERE video_id = $1 AND day = $2::date AND viewer = $3 AND NOT counted AND $4
                  AND started_at <= clock_timestamp() - $5 * interval '1 second'
                RETURNING 1
            ), bumped AS (
                UPDATE video.videos SET views = views + 1
                WHERE id = $1 AND EXISTS (SELECT 1 FROM logged) RETURNING views
            )
            SELECT EXISTS (SELECT 1 FROM bumped) AS counted,
                   coalesce((SELECT views FROM bumped), (SELECT views FROM video.videos WHERE id = $1)) AS views
            """, [.string(videoId), .string(day), .string(viewer), .bool(playedEnough), .double(minimumElapsedSeconds)])
        guard let row = rows.first, let counted = try row.bool("counted") else {
            throw PluginError.internal("the view count was not returned")
        }
        return (counted, try row.int64("views") ?? 0)
    }

    /// Removes view-log days before `keepFrom` (YYYY-MM-DD); returns how many rows.
    @discardableResult
    static func pruneViewLog(_ c: PostgresConnection, keepFrom day: String) throws -> Int {
        try c.query("DELETE FROM video.view_log WHERE day < $1::date RETURNING 1", [.string(day)]).count
    }

    struct Watching: Sendable {
        var video: Video
        var positionSeconds: Double
        var updatedAt: String
        var updatedMicros: Int64
    }

    /// The caller's started, unfinished videos that they may still watch
    /// (ready; not private unless theirs or the caller is an admin), most
    /// recently watched first. Finished: the position is within the last 5 %
    /// of the video, at most its last 30 seconds.
    static func continueWatching(_ c: PostgresConnection, userId: String, isAdmin: Bool, after: CatalogCursor?,
                                 limit: Int) throws -> [Watching] {
        var params: [PostgresValue?] = [.string(userId), .bool(isAdmin)]
        var keyset = ""
        if let after {
            params += [.int64(after.key), .string(after.id)]
            keyset = "AND (p.updated_at, p.video_id) < (timestamptz 'epoch' + $3 * interval '1 microsecond', $4::uuid)"
        }
        params.append(.int(limit))
        let rows = try c.query("""
            SELECT \(Video.columns), p.position_seconds,
                   to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS position_updated_iso,
                   (extract(epoch FROM p.updated_at) * 1000000)::bigint AS position_micros
            FROM video.watch_positions p JOIN video.videos v ON v.id = p.video_id
            WHERE p.user_id = $1 AND v.state = 'ready'
              AND (v.visibility <> 'private' OR v.owner_id = $1 OR $2)
              AND NOT (v.duration_seconds IS NOT NULL
                       AND p.position_seconds >= v.duration_seconds - least(30, v.duration_seconds * 0.05))
              \(keyset)
            ORDER BY p.updated_at DESC, p.video_id DESC LIMIT $\(params.count)
            """, params)
        return try rows.map { row in
            guard let position = try row.double("position_seconds"), let updated = try row.string("position_updated_iso"),
                  let micros = try row.int64("position_micros") else {
                throw PostgresError(kind: .typeMismatch, message: "video.watch_positions row with NULL values")
            }
            return Watching(video: try Video(row: row), positionSeconds: position, updatedAt: updated, updatedMicros: micros)
        }
    }

    static let signingKeySetting = "media_signing_key"

    /// The shared media signing key: the stored one, or `candidate` stored
    /// now if there is none yet (the first host to start wins the race).
    static func signingKey(_ c: PostgresConnection, candidate: String) throws -> String {
        try c.query("INSERT INTO video.settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                    [.string(signingKeySetting), .string(candidate)])
        guard let value = try c.query("SELECT value FROM video.settings WHERE name = $1", [.string(signingKeySetting)])
            .first?.string("value") else { throw PluginError.internal("the media signing key was not stored") }
        return value
    }
}
