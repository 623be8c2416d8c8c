import CReelProtoComment
import CReelProtoVideo
import ReelPluginKit

/// The events the plugin publishes (proto/reel/comment/v1/events.proto) and
/// the one it reads (video.deleted).
enum CommentEvents {
    static let created = "comment.created"
    static let videoDeleted = "video.deleted"

    static func createdPayload(_ comment: CommentRecord, videoOwnerId: String, parentAuthorId: String?) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Comment__V1__CommentCreated()
        reel__comment__v1__comment_created__init(&m)
        m.comment_id = arena.string(comment.id)
        m.video_id = arena.string(comment.videoId)
        m.video_owner_id = arena.string(videoOwnerId)
        m.author_id = arena.string(comment.authorId)
        m.in_reply_to = arena.string(comment.inReplyTo)
        m.parent_author_id = arena.string(parentAuthorId)
        m.thread_id = arena.string(comment.threadId)
        return Proto.pack(&m)
    }

    /// The video id of a video.deleted payload, if it is one.
    static func deletedVideoId(_ payload: [UInt8]) -> String? {
        guard let event = try? Proto.unpack(payload, as: Reel__Video__V1__VideoDeleted.self, "reel.video.v1.VideoDeleted") else {
            return nil
        }
        return CommentIDs.canonical(Proto.string(event.message.video_id))
    }
}
