import CReelProtoTranscoder
import CReelProtoVideo
import Foundation
import ReelPluginKit
import ReelStorage

extension TranscoderService {
    /// Internal: the video plugin's outbox delivers each upload here.
    func enqueueJob(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Transcoder__V1__EnqueueJobRequest.self,
                                       "reel.transcoder.v1.EnqueueJobRequest")
        let m = request.message
        let videoId = try Self.uuid(Proto.string(m.video_id), "videoId")
        let sourceKey = Proto.string(m.source_key)
        do { try StorageKey.validate(sourceKey) } catch { throw PluginError.invalidArgument("sourceKey: \(error)") }
        let ownerId = Proto.string(m.owner_id)
        let duration = m.has_duration_seconds != 0 && m.duration_seconds.isFinite && m.duration_seconds > 0 ? m.duration_seconds : nil
        let maxAttempts = config.maxAttempts
        let job = try await database.withConnection { c in
            try JobStore.enqueue(c, videoId: videoId, ownerId: ownerId, sourceKey: sourceKey,
                                 sourceDuration: duration, maxAttempts: maxAttempts)
        }
        worker?.wake()
        return JobMessages.enqueued(job)
    }

    /// Admin: the job of a video.
    func getJob(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Transcoder__V1__GetJobRequest.self, "reel.transcoder.v1.GetJobRequest")
        let videoId = try Self.uuid(Proto.string(request.message.video_id), "videoId")
        guard let job = try await database.withConnection({ c in try JobStore.byVideo(c, videoId) }) else {
            throw PluginError.notFound("no transcode job for video \(videoId)")
        }
        return JobMessages.job(job)
    }

    /// Admin: recent jobs, optionally in one state.
    func listJobs(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Transcoder__V1__ListJobsRequest.self, "reel.transcoder.v1.ListJobsRequest")
        let m = request.message
        var state: JobState?
        if let text = m.state.map({ String(cString: $0) }), !text.isEmpty {
            guard let parsed = JobState(rawValue: text) else {
                throw PluginError.invalidArgument("state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        }
        let limit = m.has_limit != 0 ? Int(m.limit) : 50
        guard (1...100).contains(limit) else { throw PluginError.invalidArgument("limit must be between 1 and 100") }
        let jobs = try await database.withConnection { [state] c in try JobStore.list(c, state: state, limit: limit) }
        return JobMessages.list(jobs)
    }

    /// video.deleted: stop transcoding it; its files are gone already.
    func videoDeleted(_ payload: [UInt8]) async {
        guard let event = try? Proto.unpack(payload, as: Reel__Video__V1__VideoDeleted.self, "reel.video.v1.VideoDeleted"),
              let videoId = UUID(uuidString: Proto.string(event.message.video_id))?.uuidString.lowercased() else { return }
        do {
            if let job = try await database.withConnection({ c in try JobStore.cancel(c, videoId: videoId) }) {
                host.log(.info, "transcode job \(job.id) cancelled: video \(videoId) was deleted")
            }
        } catch {
            host.log(.warn, "cancelling the transcode of deleted video \(videoId) failed: \(error)")
        }
    }

    static func uuid(_ text: String, _ name: String) throws(PluginError) -> String {
        guard let id = UUID(uuidString: text) else { throw .invalidArgument("\(name) must be a UUID") }
        return id.uuidString.lowercased()
    }
}
