import Foundation

public typealias Comment = Reel_Comment_V1_Comment
public typealias CommentPage = Reel_Comment_V1_CommentPage

/// Comments on videos: threads, replies, editing, deleting, pinning.
extension ReelClient {
    public enum CommentSort: String, Sendable { case newest, oldest, top }

    /// A video's thread roots (pinned first); `page.enabled` is false while comments are off.
    public func comments(videoID: String, sort: CommentSort = .newest, cursor: String? = nil,
                         limit: Int32 = 20) async throws(ReelError) -> CommentPage {
        var request = Reel_Comment_V1_ListCommentsRequest()
        request.videoID = videoID
        request.sort = sort.rawValue
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.comment.v1.CommentService/ListComments", request, caller: .anyone)
    }

    /// The replies in a thread, oldest first.
    public func replies(to commentID: String, cursor: String? = nil, limit: Int32 = 20) async throws(ReelError) -> CommentPage {
        var request = Reel_Comment_V1_ListRepliesRequest()
        request.id = commentID
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.comment.v1.CommentService/ListReplies", request, caller: .anyone)
    }

    /// Comments on a video (or answers `inReplyTo`, a comment on the same video).
    @discardableResult
    public func comment(videoID: String, text: String, inReplyTo: String? = nil) async throws(ReelError) -> Comment {
        var request = Reel_Comment_V1_CreateCommentRequest()
        request.videoID = videoID
        request.text = text
        if let inReplyTo { request.inReplyTo = inReplyTo }
        return try await call("reel.comment.v1.CommentService/CreateComment", request)
    }

    /// Changes the text of one's own comment.
    @discardableResult
    public func editComment(id: String, text: String) async throws(ReelError) -> Comment {
        var request = Reel_Comment_V1_UpdateCommentRequest()
        request.id = id
        request.text = text
        return try await call("reel.comment.v1.CommentService/UpdateComment", request)
    }

    /// Deletes a comment (its author, the video's owner or an admin).
    public func deleteComment(id: String) async throws(ReelError) {
        var request = Reel_Comment_V1_DeleteCommentRequest()
        request.id = id
        _ = try await call("reel.comment.v1.CommentService/DeleteComment", request,
                           as: Reel_Comment_V1_DeleteCommentResponse.self)
    }

    /// Pins or unpins a comment (the video's owner or an admin).
    @discardableResult
    public func pinComment(id: String, pinned: Bool = true) async throws(ReelError) -> Comment {
        if pinned {
            var request = Reel_Comment_V1_PinCommentRequest()
            request.id = id
            return try await call("reel.comment.v1.CommentService/PinComment", request)
        }
        var request = Reel_Comment_V1_UnpinCommentRequest()
        request.id = id
        return try await call("reel.comment.v1.CommentService/UnpinComment", request)
    }

    /// The signed-in user's own comments, newest first.
    public func myComments(cursor: String? = nil, limit: Int32 = 20) async throws(ReelError) -> CommentPage {
        var request = Reel_Comment_V1_ListMyCommentsRequest()
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.comment.v1.CommentService/ListMyComments", request)
    }
}
