import Foundation
import ReelPostgres

public enum Visibility: String, Sendable, CaseIterable {
    case `public`, unlisted, `private`
}

public enum VideoState: String, Sendable, CaseIterable {
    case uploading, processing, ready, failed
}

/// A row of video.videos, as the API shows it (reel.video.v1.Video).
public struct Video: Sendable, Equatable {
    public var id: String
    public var ownerId: String
    public var title: String
    public var description: String
    public var tags: [String]
    public var visibility: Visibility
    public var state: VideoState
    public var failureReason: String?
    public var progress: Int
    public var durationSeconds: Double?
    public var width: Int?
    public var height: Int?
    public var posterKey: String?
    public var hlsKey: String?
    public var dashKey: String?
    /// Renditions the transcoder finished, of `rungsTotal` (0 before it starts).
    public var rungsDone: Int
    public var rungsTotal: Int
    public var thumbnailKeys: [String]
    public var views: Int64
    /// ISO-8601 UTC with milliseconds.
    public var createdAt: String
    public var publishedAt: String?
    /// Exact keyset-pagination keys: microseconds since 1970.
    public var createdMicros: Int64
    public var publishedMicros: Int64?

    /// Whether `caller` may see the video: its owner and admins always; others
    /// only once it is ready and not private.
    func isVisible(to caller: Caller) -> Bool {
        caller.isPrivileged || caller.userId == ownerId || (state == .ready && visibility != .private)
    }

    func isOwned(by caller: Caller) -> Bool { caller.isPrivileged || caller.userId == ownerId }

    /// The columns `init(row:)` reads, for the table aliased `v`.
    static let columns = """
        v.id::text AS id, v.owner_id::text AS owner_id, v.title, v.description, array_to_json(v.tags)::text AS tags_json,
        v.visibility, v.state, v.failure_reason, v.progress, v.duration_seconds, v.width, v.height,
        v.poster_key, v.hls_key, v.dash_key, v.views, v.rungs_done, v.rungs_total,
        array_to_json(v.thumbnail_keys)::text AS thumbnail_keys_json,
        to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at_iso,
        to_char(v.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS published_at_iso,
        (extract(epoch FROM v.created_at) * 1000000)::bigint AS created_micros,
        (extract(epoch FROM v.published_at) * 1000000)::bigint AS published_micros
        """

    init(row: PostgresRow) throws {
        guard let id = try row.string("id"), let ownerId = try row.string("owner_id"), let title = try row.string("title"),
              let description = try row.string("description"),
              let tagsJSON = try row.string("tags_json"),
              let tags = JSONStringArray.parse(tagsJSON),
              let visibility = try row.string("visibility").flatMap(Visibility.init(rawValue:)),
              let state = try row.string("state").flatMap(VideoState.init(rawValue:)),
              let progress = try row.int("progress"), let views = try row.int64("views"),
              let rungsDone = try row.int("rungs_done"), let rungsTotal = try row.int("rungs_total"),
              let thumbnailsJSON = try row.string("thumbnail_keys_json"),
              let thumbnailKeys = JSONStringArray.parse(thumbnailsJSON),
              let createdAt = try row.string("created_at_iso"), let createdMicros = try row.int64("created_micros")
        else { throw PostgresError(kind: .typeMismatch, message: "video.videos row with NULL or unknown values") }
        self.id = id
        self.ownerId = ownerId
        self.title = title
        self.description = description
        self.tags = tags
        self.visibility = visibility
        self.state = state
        self.failureReason = try row.string("failure_reason")
        self.progress = progress
        self.durationSeconds = try row.double("duration_seconds")
        self.width = try row.int("width")
        self.height = try row.int("height")
        self.posterKey = try row.string("poster_key")
        self.hlsKey = try row.string("hls_key")
        self.dashKey = try row.string("dash_key")
        self.rungsDone = rungsDone
        self.rungsTotal = rungsTotal
        self.thumbnailKeys = thumbnailKeys
        self.views = views
        self.createdAt = createdAt
        self.publishedAt = try row.string("published_at_iso")
        self.createdMicros = createdMicros
        self.publishedMicros = try row.int64("published_micros")
    }
}

/// Who is calling, from PluginCall or an HTTP request head.
struct Caller: Sendable {
    var userId: String
    var role: String

    /// Admins, and other plugins over the bus.
    var isPrivileged: Bool { role == "admin" || role == "internal" }
}
