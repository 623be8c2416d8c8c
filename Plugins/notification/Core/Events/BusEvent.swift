import CReelProtoVideo
import ReelPluginKit

/// The bus events the plugin turns into notifications, decoded.
public enum BusEvent: Sendable, Equatable {
    case videoReady(videoId: String, ownerId: String)
    case videoFailed(videoId: String, ownerId: String, reason: String)
    case commentCreated(CommentCreated)

    public struct CommentCreated: Sendable, Equatable {
        public var commentId: String
        public var videoId: String
        public var videoOwnerId: String
        public var authorId: String
        public var parentAuthorId: String?
        public var threadId: String?
    }

    public static let topics = ["video.ready", "video.failed", "comment.created"]

    /// nil for a topic this plugin ignores or a payload without the ids it needs.
    public static func decode(topic: String, payload: [UInt8]) -> BusEvent? {
        switch topic {
        case "video.ready":
            guard let m = try? Proto.unpack(payload, as: Reel__Video__V1__VideoReady.self, "reel.video.v1.VideoReady"),
                  let video = UUIDs.canonical(Proto.string(m.message.video_id)),
                  let owner = UUIDs.canonical(Proto.string(m.message.owner_id)) else { return nil }
            return .videoReady(videoId: video, ownerId: owner)
        case "video.failed":
            guard let m = try? Proto.unpack(payload, as: Reel__Video__V1__VideoFailed.self, "reel.video.v1.VideoFailed"),
                  let video = UUIDs.canonical(Proto.string(m.message.video_id)),
                  let owner = UUIDs.canonical(Proto.string(m.message.owner_id)) else { return nil }
            return .videoFailed(videoId: video, ownerId: owner, reason: Proto.string(m.message.reason))
        case "comment.created":
            // reel.comment.v1.CommentCreated: 1 comment_id, 2 video_id,
            // 3 video_owner_id, 4 author_id, 6 parent_author_id, 7 thread_id.
            guard let f = ProtoWire.strings(payload), let comment = f[1].flatMap(UUIDs.canonical),
                  let video = f[2].flatMap(UUIDs.canonical), let owner = f[3].flatMap(UUIDs.canonical),
                  let author = f[4].flatMap(UUIDs.canonical) else { return nil }
            return .commentCreated(CommentCreated(commentId: comment, videoId: video, videoOwnerId: owner, authorId: author,
                                                  parentAuthorId: f[6].flatMap(UUIDs.canonical),
                                                  threadId: f[7].flatMap(UUIDs.canonical)))
        default:
            return nil
        }
    }
}

/// Who gets what for a comment: the parent's author a reply notice, the
/// video's owner a comment notice — never the author themself, and the owner
/// once (the reply notice) when they wrote the parent.
public enum CommentRecipients {
    public static func of(_ c: BusEvent.CommentCreated) -> [(userId: String, type: NotificationType)] {
        var out: [(String, NotificationType)] = []
        if let parent = c.parentAuthorId, parent != c.authorId { out.append((parent, .commentReply)) }
        if c.videoOwnerId != c.authorId, c.videoOwnerId != c.parentAuthorId { out.append((c.videoOwnerId, .commentOnMyVideo)) }
        return out
    }
}
