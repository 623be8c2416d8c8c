import CReelProtoTranscoder
import CReelProtoVideo
import Foundation
import ReelPluginKit

/// The bus events (proto/reel/video/v1/events.proto) and the transcoder's
/// job request (proto/reel/transcoder/v1/transcoder.proto).
enum EventMessages {
    enum Topic {
        static let uploaded = "video.uploaded"
        static let progress = "video.progress"
        static let ready = "video.ready"
        static let failed = "video.failed"
        static let deleted = "video.deleted"
    }

    static func uploaded(_ video: Video, sourceKey: String, filename: String, sizeBytes: Int64) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Video__V1__VideoUploaded()
        reel__video__v1__video_uploaded__init(&m)
        m.video_id = arena.string(video.id)
        m.owner_id = arena.string(video.ownerId)
        m.source_key = arena.string(sourceKey)
        m.filename = arena.string(filename)
        m.has_size_bytes = 1
        m.size_bytes = sizeBytes
        if let duration = video.durationSeconds {
            m.has_duration_seconds = 1
            m.duration_seconds = duration
        }
        m.title = arena.string(video.title)
        return Proto.pack(&m)
    }

    static func ready(_ video: Video) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Video__V1__VideoReady()
        reel__video__v1__video_ready__init(&m)
        m.video_id = arena.string(video.id)
        m.owner_id = arena.string(video.ownerId)
        m.poster_key = arena.string(video.posterKey)
        m.hls_key = arena.string(video.hlsKey)
        m.dash_key = arena.string(video.dashKey)
        if let duration = video.durationSeconds {
            m.has_duration_seconds = 1
            m.duration_seconds = duration
        }
        return Proto.pack(&m)
    }

    static func progress(_ video: Video) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Video__V1__VideoProgress()
        reel__video__v1__video_progress__init(&m)
        m.video_id = arena.string(video.id)
        m.owner_id = arena.string(video.ownerId)
        m.has_progress = 1
        m.progress = Int32(clamping: video.progress)
        m.has_rungs_done = 1
        m.rungs_done = Int32(clamping: video.rungsDone)
        m.has_rungs_total = 1
        m.rungs_total = Int32(clamping: video.rungsTotal)
        m.hls_key = arena.string(video.hlsKey)
        return Proto.pack(&m)
    }

    static func failed(_ video: Video) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Video__V1__VideoFailed()
        reel__video__v1__video_failed__init(&m)
        m.video_id = arena.string(video.id)
        m.owner_id = arena.string(video.ownerId)
        m.reason = arena.string(video.failureReason)
        return Proto.pack(&m)
    }

    static func deleted(videoId: String, ownerId: String) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Video__V1__VideoDeleted()
        reel__video__v1__video_deleted__init(&m)
        m.video_id = arena.string(videoId)
        m.owner_id = arena.string(ownerId)
        return Proto.pack(&m)
    }

    static func enqueueJob(_ job: OutboxStore.Job) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Transcoder__V1__EnqueueJobRequest()
        reel__transcoder__v1__enqueue_job_request__init(&m)
        m.video_id = arena.string(job.videoId)
        m.source_key = arena.string(job.sourceKey)
        m.owner_id = arena.string(job.ownerId)
        m.has_duration_seconds = 1
        m.duration_seconds = job.durationSeconds
        return Proto.pack(&m)
    }
}
