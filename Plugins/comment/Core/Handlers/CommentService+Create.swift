import CReelProtoComment
import Foundation
import ReelPluginKit

extension CommentService {
    /// CreateComment (signed in): a thread root, or a reply in the thread of
    /// the comment it answers. Publishes comment.created.
    func createComment(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__CreateCommentRequest.self,
                                       "reel.comment.v1.CreateCommentRequest")
        let m = request.message
        guard let author = CommentIDs.canonical(call.callerUserId) else { throw PluginError.unauthenticated("sign in first") }
        let videoId = try Fields.videoID(m.video_id)
        let text = try Fields.commentText(m.text)
        let parentText = try Fields.text(m.in_reply_to, "inReplyTo").trimmingCharacters(in: .whitespaces)
        let parentId: String? = parentText.isEmpty ? nil : CommentIDs.canonical(parentText)
        guard parentText.isEmpty || parentId != nil else {
            throw PluginError.notFound("inReplyTo: no comment with id \(parentText)")
        }
        let access = try await VideoAccess.visible(host, videoId: videoId, caller: call.caller)
        let limit = rateLimit
        let comment = try await database.withTransaction { c -> (CommentRecord, String?) in
            guard try SettingsStore.enabled(c, videoId: videoId) else {
                throw PluginError.failedPrecondition("comments are turned off for this video")
            }
            var parent: CommentRecord?
            if let parentId {
                guard let found = try CommentStore.byID(c, parentId, forUpdate: true) else {
                    throw PluginError.notFound("inReplyTo: no comment with id \(parentId)")
                }
                parent = found
            }
            let placement = try ThreadRules.placement(videoId: videoId, parent: parent)
            let recent = try CommentStore.lockAuthorAndRecentTimes(c, authorId: author, seconds: limit.windowSeconds)
            if case .retryAfter(let seconds) = limit.decide(recent: recent, now: try CommentStore.now(c)) {
                throw PluginError.resourceExhausted(
                    "too many comments: at most \(limit.count) a minute; retry in \(seconds) seconds")
            }
            let created = try CommentStore.insert(c, .init(id: CommentIDs.make(), videoId: videoId, placement: placement,
                                                            authorId: author, text: text))
            return (created, parent?.authorId)
        }
        host.publish(CommentEvents.created,
                     CommentEvents.createdPayload(comment.0, videoOwnerId: access.ownerId, parentAuthorId: comment.1))
        return await one(comment.0)
    }
}
