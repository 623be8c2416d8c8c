import CReelProtoVideo
import ReelPluginKit
import ReelStorage

/// The transcoder's methods (Access .internal: over the bus only).
extension VideoService {
    func markProgress(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__MarkProgressRequest.self,
                                       "reel.video.v1.MarkProgressRequest")
        let m = request.message
        let id = try VideoValidation.videoID(Proto.string(m.id))
        let percent = Int(m.progress)
        guard m.has_progress != 0, (0...100).contains(percent) else {
            throw PluginError.invalidArgument("progress must be between 0 and 100")
        }
        let rungsDone = m.has_rungs_done != 0 ? Int(m.rungs_done) : nil
        let rungsTotal = m.has_rungs_total != 0 ? Int(m.rungs_total) : nil
        guard (rungsDone ?? 0) >= 0, (rungsTotal ?? 0) >= 0, (rungsDone ?? 0) <= (rungsTotal ?? .max) else {
            throw PluginError.invalidArgument("rungsDone must be between 0 and rungsTotal")
        }
        var hlsKey: String?
        if let pointer = m.hls_key {
            let text = String(cString: pointer)
            if !text.isEmpty {
                do { try StorageKey.validate(text) } catch { throw PluginError.invalidArgument("hlsKey: \(error)") }
            }
            hlsKey = text
        }
        let progress = VideoStore.Progress(percent: percent, rungsDone: rungsDone, rungsTotal: rungsTotal, hlsKey: hlsKey)
        let video = try await database.withConnection { c in try VideoStore.markProgress(c, id: id, progress) }
        host.publish(EventMessages.Topic.progress, EventMessages.progress(video))
        return VideoMessages.video(video, links)
    }

    func markReady(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__MarkReadyRequest.self, "reel.video.v1.MarkReadyRequest")
        let m = request.message
        let id = try VideoValidation.videoID(Proto.string(m.id))
        func key(_ pointer: UnsafeMutablePointer<CChar>?, _ name: String) throws -> String? {
            let text = Proto.string(pointer)
            guard !text.isEmpty else { return nil }
            do { try StorageKey.validate(text) } catch { throw PluginError.invalidArgument("\(name): \(error)") }
            return text
        }
        let renditions = VideoStore.Renditions(
            posterKey: try key(m.poster_key, "posterKey"), hlsKey: try key(m.hls_key, "hlsKey"),
            dashKey: try key(m.dash_key, "dashKey"),
            durationSeconds: m.has_duration_seconds != 0 ? m.duration_seconds : nil,
            thumbnailKeys: try (0..<m.n_thumbnail_keys).compactMap { try key(m.thumbnail_keys[$0], "thumbnailKeys") },
            rungs: m.has_rungs != 0 ? Int(m.rungs) : nil)
        if let rungs = renditions.rungs, !(0...100).contains(rungs) {
            throw PluginError.invalidArgument("rungs must be between 0 and 100")
        }
        guard renditions.hlsKey != nil || renditions.dashKey != nil else {
            throw PluginError.invalidArgument("a ready video needs hlsKey or dashKey")
        }
        if let duration = renditions.durationSeconds, !(duration.isFinite && duration >= 0) {
            throw PluginError.invalidArgument("durationSeconds must be a non-negative number")
        }
        let video = try await database.withConnection { c in try VideoStore.markReady(c, id: id, renditions) }
        media.cache.invalidate(id)
        host.publish(EventMessages.Topic.ready, EventMessages.ready(video))
        host.log(.info, "video \(id) is ready")
        return VideoMessages.video(video, links)
    }

    func markFailed(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__MarkFailedRequest.self, "reel.video.v1.MarkFailedRequest")
        let id = try VideoValidation.videoID(Proto.string(request.message.id))
        var reason = Proto.string(request.message.reason).trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\0", with: "")
        if reason.isEmpty { reason = "transcoding failed" }
        if reason.count > 1000 { reason = String(reason.prefix(1000)) }
        let video = try await database.withConnection { [reason] c in try VideoStore.markFailed(c, id: id, reason: reason) }
        media.cache.invalidate(id)
        host.publish(EventMessages.Topic.failed, EventMessages.failed(video))
        host.log(.warn, "video \(id) failed: \(reason)")
        return VideoMessages.video(video, links)
    }
}
