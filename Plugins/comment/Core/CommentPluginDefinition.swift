import ReelPluginKit

/// The comment plugin: threaded comments under videos (two levels), edits,
/// soft-deleted placeholders, a pinned thread and a per-video switch, in the
/// PostgreSQL schema `comment`. Visibility and authors' names come from the
/// video and auth plugins over the bus.
public let commentPlugin = PluginDefinition<CommentService>(
    name: "comment",
    version: CommentService.version,
    summary: "Threaded comments under videos, with moderation",
    methods: [
        commentMethod("ListComments", .public, "ListCommentsRequest", "CommentPage") { try await $0.listComments($1) },
        commentMethod("ListReplies", .public, "ListRepliesRequest", "CommentPage") { try await $0.listReplies($1) },
        commentMethod("CreateComment", .user, "CreateCommentRequest", "Comment") { try await $0.createComment($1) },
        commentMethod("UpdateComment", .user, "UpdateCommentRequest", "Comment") { try await $0.updateComment($1) },
        commentMethod("DeleteComment", .user, "DeleteCommentRequest", "DeleteCommentResponse") { try await $0.deleteComment($1) },
        commentMethod("PinComment", .user, "PinCommentRequest", "Comment") { try await $0.pinComment($1) },
        commentMethod("UnpinComment", .user, "UnpinCommentRequest", "Comment") { try await $0.unpinComment($1) },
        commentMethod("GetCommentSettings", .user, "GetCommentSettingsRequest", "CommentSettings") {
            try await $0.getCommentSettings($1)
        },
        commentMethod("SetCommentSettings", .user, "SetCommentSettingsRequest", "CommentSettings") {
            try await $0.setCommentSettings($1)
        },
        commentMethod("ListMyComments", .user, "ListMyCommentsRequest", "CommentPage") { try await $0.listMyComments($1) },
    ],
    routes: [
        Route("GET", "/api/v1/videos/{videoId}/comments", method: commentService + "ListComments"),
        Route("POST", "/api/v1/videos/{videoId}/comments", method: commentService + "CreateComment", status: 201),
        Route("GET", "/api/v1/comments/{id}/replies", method: commentService + "ListReplies"),
        Route("PATCH", "/api/v1/comments/{id}", method: commentService + "UpdateComment"),
        Route("DELETE", "/api/v1/comments/{id}", method: commentService + "DeleteComment", status: 204),
        Route("PUT", "/api/v1/comments/{id}/pin", method: commentService + "PinComment"),
        Route("DELETE", "/api/v1/comments/{id}/pin", method: commentService + "UnpinComment"),
        Route("GET", "/api/v1/videos/{videoId}/comment-settings", method: commentService + "GetCommentSettings"),
        Route("PUT", "/api/v1/videos/{videoId}/comment-settings", method: commentService + "SetCommentSettings"),
        Route("GET", "/api/v1/users/me/comments", method: commentService + "ListMyComments"),
    ],
    subscriptions: [CommentEvents.videoDeleted],
    onEvent: { service, topic, payload in await service.handle(topic: topic, payload: payload) },
    start: { host in try await CommentService.start(host: host) },
    stop: { service in await service.stop() })

let commentService = "reel.comment.v1.CommentService/"

/// A method of reel.comment.v1.CommentService (the kit answers any error other
/// than PluginError as a bare `internal`, logged with the request id).
func commentMethod(_ name: String, _ access: Access, _ input: String, _ output: String,
                   _ handler: @escaping @Sendable (CommentService, PluginCall) async throws -> [UInt8]) -> Method<CommentService> {
    Method(commentService + name, access: access, input: "reel.comment.v1." + input, output: "reel.comment.v1." + output, handler)
}
