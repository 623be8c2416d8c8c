import CReelProtoComment
import ReelPluginKit

extension CommentService {
    /// PinComment (the video's owner or an admin): one pinned thread per video.
    func pinComment(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__PinCommentRequest.self,
                                       "reel.comment.v1.PinCommentRequest")
        let comment = try await moderated(try Fields.commentID(request.message.id), call)
        try ThreadRules.checkPinnable(comment)
        let pinned = try await database.withTransaction { c in try CommentStore.pin(c, comment) }
        return await one(pinned)
    }

    /// UnpinComment (the video's owner or an admin).
    func unpinComment(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__UnpinCommentRequest.self,
                                       "reel.comment.v1.UnpinCommentRequest")
        let comment = try await moderated(try Fields.commentID(request.message.id), call)
        let unpinned = try await database.withConnection { c in try CommentStore.setPinned(c, id: comment.id, false) }
        return await one(unpinned)
    }

    /// GetCommentSettings (the video's owner or an admin).
    func getCommentSettings(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__GetCommentSettingsRequest.self,
                                       "reel.comment.v1.GetCommentSettingsRequest")
        let videoId = try Fields.videoID(request.message.video_id)
        try await checkModerator(videoId: videoId, call)
        let enabled = try await database.withConnection { c in try SettingsStore.enabled(c, videoId: videoId) }
        return CommentMessages.settings(videoId: videoId, enabled: enabled)
    }

    /// SetCommentSettings (the video's owner or an admin).
    func setCommentSettings(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__SetCommentSettingsRequest.self,
                                       "reel.comment.v1.SetCommentSettingsRequest")
        let m = request.message
        let videoId = try Fields.videoID(m.video_id)
        guard m.has_enabled != 0 else { throw PluginError.invalidArgument("enabled is required (true or false)") }
        let enabled = m.enabled != 0
        try await checkModerator(videoId: videoId, call)
        try await database.withConnection { c in try SettingsStore.set(c, videoId: videoId, enabled: enabled) }
        return CommentMessages.settings(videoId: videoId, enabled: enabled)
    }

    /// A comment whose video the caller moderates (owns, or is an admin).
    private func moderated(_ id: String, _ call: PluginCall) async throws -> CommentRecord {
        let (comment, access) = try await visibleComment(id, caller: call.caller)
        guard ThreadRules.moderates(videoOwnerId: access.ownerId, caller: call.caller) else {
            throw PluginError.permissionDenied("only the video's owner or an admin can pin comments")
        }
        return comment
    }

    private func checkModerator(videoId: String, _ call: PluginCall) async throws {
        let access = try await VideoAccess.visible(host, videoId: videoId, caller: call.caller)
        guard ThreadRules.moderates(videoOwnerId: access.ownerId, caller: call.caller) else {
            throw PluginError.permissionDenied("only the video's owner or an admin can change its comment settings")
        }
    }
}
