import CReelProtoVideo
import ReelPluginKit

extension VideoService {
    /// UpdateVideo (owner or admin): only the fields sent change.
    func updateVideo(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__UpdateVideoRequest.self,
                                       "reel.video.v1.UpdateVideoRequest")
        let m = request.message
        let id = try VideoValidation.videoID(Proto.string(m.id))
        var changes = VideoStore.Changes()
        if let title = m.title { changes.title = try VideoValidation.title(String(cString: title)) }
        if let description = m.description { changes.description = try VideoValidation.description(String(cString: description)) }
        if m.n_tags > 0 {
            let tags = (0..<m.n_tags).map { Proto.string(m.tags[$0]) }
            changes.tags = try VideoValidation.tags(tags)
        } else if m.has_clear_tags != 0 && m.clear_tags != 0 {
            changes.tags = []
        }
        if let visibility = m.visibility { changes.visibility = try VideoValidation.visibility(String(cString: visibility)) }
        let caller = call.caller
        let video = try await database.withTransaction { [changes] c in
            guard let current = try VideoStore.byID(c, id, forUpdate: true), current.isVisible(to: caller) else {
                throw PluginError.notFound("no video with id \(id)")
            }
            guard current.isOwned(by: caller) else { throw PluginError.permissionDenied("only the owner or an admin may edit this video") }
            return try VideoStore.update(c, id: id, changes)
        }
        media.cache.invalidate(id)
        return VideoMessages.video(video, links, owners: await owners.names(for: [video.ownerId]))
    }

    /// DeleteVideo (owner or admin): the row (and its outbox job), then every
    /// stored file under videos/<id>/; publishes video.deleted.
    func deleteVideo(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__DeleteVideoRequest.self,
                                       "reel.video.v1.DeleteVideoRequest")
        let id = try VideoValidation.videoID(Proto.string(request.message.id))
        let caller = call.caller
        let video = try await database.withTransaction { c in
            guard let current = try VideoStore.byID(c, id, forUpdate: true), current.isVisible(to: caller) else {
                throw PluginError.notFound("no video with id \(id)")
            }
            guard current.isOwned(by: caller) else { throw PluginError.permissionDenied("only the owner or an admin may delete this video") }
            try VideoStore.delete(c, id: id)
            return current
        }
        media.cache.invalidate(id)
        do {
            try await storage.delete(prefix: "videos/\(id)/")
        } catch {
            // The row is gone; the files are orphans an operator can find by prefix.
            host.log(.warn, "video \(id) deleted but its files under videos/\(id)/ were not: \(error)")
        }
        host.publish(EventMessages.Topic.deleted, EventMessages.deleted(videoId: id, ownerId: video.ownerId))
        host.log(.info, "video \(id) deleted (by \(caller.userId.isEmpty ? caller.role : caller.userId))")
        return VideoMessages.empty
    }
}
