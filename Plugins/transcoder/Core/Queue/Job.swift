import Foundation
import ReelPostgres

public enum JobState: String, Sendable, CaseIterable {
    case queued, running, succeeded, failed, cancelled

    var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// A row of transcoder.jobs.
public struct Job: Sendable, Equatable {
    public var id: String
    public var videoId: String
    public var ownerId: String
    public var sourceKey: String
    public var sourceDuration: Double?
    public var state: JobState
    /// Attempts started so far; the running attempt is number `attempts`.
    public var attempts: Int
    public var maxAttempts: Int
    public var leaseOwner: String?
    public var outputPrefix: String?
    public var progress: Int
    public var rungsDone: Int
    public var rungsTotal: Int
    public var liveHLSKey: String?
    public var hlsKey: String?
    public var dashKey: String?
    public var posterKey: String?
    public var thumbnailKeys: [String]
    public var durationSeconds: Double?
    public var failureReason: String?
    public var reportVersion: Int64
    public var reportAttempts: Int
    /// ISO-8601 UTC with milliseconds.
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
    public var runAfter: String

    static let columns = """
        j.id::text AS id, j.video_id::text AS video_id, j.owner_id, j.source_key, j.source_duration, j.state,
        j.attempts, j.max_attempts, j.lease_owner, j.output_prefix, j.progress, j.rungs_done, j.rungs_total,
        j.live_hls_key, j.hls_key, j.dash_key, j.poster_key, array_to_json(j.thumbnail_keys)::text AS thumbnails_json,
        j.duration_seconds, j.failure_reason, j.report_version, j.report_attempts,
        \(iso("j.created_at")) AS created_at_iso, \(iso("j.started_at")) AS started_at_iso,
        \(iso("j.finished_at")) AS finished_at_iso, \(iso("j.run_after")) AS run_after_iso
        """

    private static func iso(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    init(row: PostgresRow) throws {
        guard let id = try row.string("id"), let videoId = try row.string("video_id"),
              let sourceKey = try row.string("source_key"),
              let state = try row.string("state").flatMap(JobState.init(rawValue:)),
              let attempts = try row.int("attempts"), let maxAttempts = try row.int("max_attempts"),
              let progress = try row.int("progress"), let rungsDone = try row.int("rungs_done"),
              let rungsTotal = try row.int("rungs_total"), let reportVersion = try row.int64("report_version"),
              let reportAttempts = try row.int("report_attempts"),
              let thumbnailsJSON = try row.string("thumbnails_json"),
              let thumbnails = try? JSONDecoder().decode([String].self, from: Data(thumbnailsJSON.utf8)),
              let createdAt = try row.string("created_at_iso"), let runAfter = try row.string("run_after_iso")
        else { throw PostgresError(kind: .typeMismatch, message: "transcoder.jobs row with NULL or unknown values") }
        self.id = id
        self.videoId = videoId
        self.ownerId = try row.string("owner_id") ?? ""
        self.sourceKey = sourceKey
        self.sourceDuration = try row.double("source_duration")
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.leaseOwner = try row.string("lease_owner")
        self.outputPrefix = try row.string("output_prefix")
        self.progress = progress
        self.rungsDone = rungsDone
        self.rungsTotal = rungsTotal
        self.liveHLSKey = try row.string("live_hls_key")
        self.hlsKey = try row.string("hls_key")
        self.dashKey = try row.string("dash_key")
        self.posterKey = try row.string("poster_key")
        self.thumbnailKeys = thumbnails
        self.durationSeconds = try row.double("duration_seconds")
        self.failureReason = try row.string("failure_reason")
        self.reportVersion = reportVersion
        self.reportAttempts = reportAttempts
        self.createdAt = createdAt
        self.startedAt = try row.string("started_at_iso")
        self.finishedAt = try row.string("finished_at_iso")
        self.runAfter = runAfter
    }
}

/// One claimed attempt: what a worker needs to prove it still holds the job.
public struct Lease: Sendable, Equatable {
    public var jobId: String
    public var attempt: Int
    public var worker: String
}

/// What a successful attempt made (storage keys).
public struct JobOutput: Sendable, Equatable {
    public var hlsKey: String
    public var dashKey: String?
    public var posterKey: String?
    public var thumbnailKeys: [String]
    public var durationSeconds: Double
    public var rungs: Int
}
