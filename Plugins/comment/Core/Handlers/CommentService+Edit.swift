import CReelProtoComment
import ReelPluginKit

extension CommentService {
    /// UpdateComment (the author): new text, edited=true.
    func updateComment(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__UpdateCommentRequest.self,
                                       "reel.comment.v1.UpdateCommentRequest")
        let id = try Fields.commentID(request.message.id)
        let text = try Fields.commentText(request.message.text)
        let (comment, _) = try await visibleComment(id, caller: call.caller)
        guard !comment.deleted else { throw PluginError.notFound("no comment with id \(id)") }
        guard ThreadRules.mayEdit(comment, by: call.caller) else {
            throw PluginError.permissionDenied("only the author can edit a comment")
        }
        let updated = try await database.withConnection { c in try CommentStore.updateText(c, id: id, text: text) }
        return await one(updated)
    }

    /// DeleteComment (the author, the video's owner or an admin): a
    /// placeholder when others answered it, gone otherwise.
    func deleteComment(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__DeleteCommentRequest.self,
                                       "reel.comment.v1.DeleteCommentRequest")
        let id = try Fields.commentID(request.message.id)
        let (comment, access) = try await visibleComment(id, caller: call.caller)
        guard !comment.deleted else { throw PluginError.notFound("no comment with id \(id)") }
        guard ThreadRules.mayDelete(comment, by: call.caller, videoOwnerId: access.ownerId) else {
            throw PluginError.permissionDenied("only the author, the video's owner or an admin can delete a comment")
        }
        try await database.withTransaction { c in
            guard let current = try CommentStore.byID(c, id, forUpdate: true), !current.deleted else {
                throw PluginError.notFound("no comment with id \(id)")
            }
            switch ThreadRules.deletion(hasReplies: try CommentStore.hasReplies(c, current)) {
            case .placeholder: try CommentStore.makePlaceholder(c, id: id)
            case .remove: try CommentStore.remove(c, current)
            }
        }
        return CommentMessages.empty
    }
}
