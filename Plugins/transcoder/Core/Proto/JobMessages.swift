import CReelProtoTranscoder
import CReelProtoVideo
import Foundation
import ReelPluginKit

/// Protobuf messages the transcoder sends: its own answers
/// (proto/reel/transcoder/v1) and its reports to the video service
/// (proto/reel/video/v1).
enum JobMessages {
    static func enqueued(_ job: Job) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Transcoder__V1__EnqueueJobResponse()
        reel__transcoder__v1__enqueue_job_response__init(&m)
        m.job_id = arena.string(job.id)
        return Proto.pack(&m)
    }

    static func job(_ job: Job) -> [UInt8] {
        let arena = ProtoArena()
        var m = jobMessage(job, arena)
        return Proto.pack(&m)
    }

    static func list(_ jobs: [Job]) -> [UInt8] {
        let arena = ProtoArena()
        let items = arena.allocate(UnsafeMutablePointer<Reel__Transcoder__V1__Job>?.self, count: jobs.count)
        for (index, job) in jobs.enumerated() { items[index] = arena.box(jobMessage(job, arena)) }
        var m = Reel__Transcoder__V1__JobList()
        reel__transcoder__v1__job_list__init(&m)
        m.n_items = jobs.count
        m.items = jobs.isEmpty ? nil : items
        return Proto.pack(&m)
    }

    private static func jobMessage(_ job: Job, _ arena: ProtoArena) -> Reel__Transcoder__V1__Job {
        var m = Reel__Transcoder__V1__Job()
        reel__transcoder__v1__job__init(&m)
        m.id = arena.string(job.id)
        m.video_id = arena.string(job.videoId)
        m.state = arena.string(job.state.rawValue)
        m.has_attempts = 1
        m.attempts = Int32(clamping: job.attempts)
        m.has_max_attempts = 1
        m.max_attempts = Int32(clamping: job.maxAttempts)
        m.has_progress = 1
        m.progress = Int32(clamping: job.progress)
        m.has_rungs_done = 1
        m.rungs_done = Int32(clamping: job.rungsDone)
        m.has_rungs_total = 1
        m.rungs_total = Int32(clamping: job.rungsTotal)
        m.worker = arena.string(job.leaseOwner)
        m.failure_reason = arena.string(job.failureReason)
        m.created_at = arena.string(job.createdAt)
        m.started_at = arena.string(job.startedAt)
        m.finished_at = arena.string(job.finishedAt)
        m.next_attempt_at = job.state == .queued ? arena.string(job.runAfter) : nil
        m.hls_key = arena.string(job.hlsKey ?? job.liveHLSKey)
        m.dash_key = arena.string(job.dashKey)
        return m
    }

    // MARK: Reports to reel.video.v1.VideoService

    static func markProgress(_ job: Job) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Video__V1__MarkProgressRequest()
        reel__video__v1__mark_progress_request__init(&m)
        m.id = arena.string(job.videoId)
        m.has_progress = 1
        m.progress = Int32(clamping: min(max(job.progress, 0), 100))
        m.has_rungs_done = 1
        m.rungs_done = Int32(clamping: job.rungsDone)
        m.has_rungs_total = 1
        m.rungs_total = Int32(clamping: job.rungsTotal)
        m.hls_key = arena.string(job.liveHLSKey ?? "")  // "" clears a dead attempt's stream
        return Proto.pack(&m)
    }

    static func markReady(_ job: Job) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Video__V1__MarkReadyRequest()
        reel__video__v1__mark_ready_request__init(&m)
        m.id = arena.string(job.videoId)
        m.hls_key = arena.string(job.hlsKey)
        m.dash_key = arena.string(job.dashKey)
        m.poster_key = arena.string(job.posterKey)
        m.has_rungs = 1
        m.rungs = Int32(clamping: job.rungsTotal)  // the whole ladder, even if no progress report got through
        m.n_thumbnail_keys = job.thumbnailKeys.count
        m.thumbnail_keys = arena.strings(job.thumbnailKeys)
        if let duration = job.durationSeconds {
            m.has_duration_seconds = 1
            m.duration_seconds = duration
        }
        return Proto.pack(&m)
    }

    static func markFailed(_ job: Job) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Video__V1__MarkFailedRequest()
        reel__video__v1__mark_failed_request__init(&m)
        m.id = arena.string(job.videoId)
        m.reason = arena.string(job.failureReason ?? "transcoding failed")
        return Proto.pack(&m)
    }
}
