import ReelPluginKit

/// Who is calling, as the host passed it (user id "" = anonymous).
public struct Caller: Sendable, Equatable {
    public var userId: String
    public var role: String

    public init(userId: String, role: String) {
        self.userId = userId
        self.role = role
    }

    /// Admins, and other plugins over the bus.
    public var isPrivileged: Bool { role == "admin" || role == "internal" }
}

/// The rules of two-level threads (as YouTube has them), deletion and
/// moderation, apart from storage so they can be tested alone.
public enum ThreadRules {
    /// Where a new comment goes.
    public struct Placement: Equatable, Sendable {
        /// nil: the new comment starts its own thread (its id).
        public var threadId: String?
        public var inReplyTo: String?
    }

    /// A root for no parent; a reply to any comment joins that comment's
    /// thread (a reply to a reply joins the root's thread) and keeps
    /// inReplyTo = the comment it answers.
    public static func placement(videoId: String, parent: CommentRecord?) throws(PluginError) -> Placement {
        guard let parent else { return Placement(threadId: nil, inReplyTo: nil) }
        guard parent.videoId == videoId else {
            throw .invalidArgument("inReplyTo names a comment on another video")
        }
        guard !parent.deleted else { throw .failedPrecondition("the comment you reply to was deleted") }
        return Placement(threadId: parent.threadId, inReplyTo: parent.id)
    }

    public enum Deletion: Equatable, Sendable {
        /// Stays as a placeholder (deleted, empty text, no author): it has replies.
        case placeholder
        /// Disappears.
        case remove
    }

    /// A comment others answered stays as a placeholder so the thread keeps
    /// its shape: a root with any reply in its thread, a reply that another
    /// reply answers.
    public static func deletion(hasReplies: Bool) -> Deletion { hasReplies ? .placeholder : .remove }

    /// The author, the video's owner or an admin.
    public static func mayDelete(_ comment: CommentRecord, by caller: Caller, videoOwnerId: String) -> Bool {
        caller.isPrivileged || (!caller.userId.isEmpty && (caller.userId == comment.authorId || caller.userId == videoOwnerId))
    }

    /// The author only.
    public static func mayEdit(_ comment: CommentRecord, by caller: Caller) -> Bool {
        !caller.userId.isEmpty && caller.userId == comment.authorId
    }

    /// The video's owner or an admin: pinning, the comment settings.
    public static func moderates(videoOwnerId: String, caller: Caller) -> Bool {
        caller.isPrivileged || (!caller.userId.isEmpty && caller.userId == videoOwnerId)
    }

    /// Only a live thread root can be pinned.
    public static func checkPinnable(_ comment: CommentRecord) throws(PluginError) {
        guard comment.isRoot else { throw .invalidArgument("only a thread's first comment can be pinned, not a reply") }
        guard !comment.deleted else { throw .failedPrecondition("a deleted comment cannot be pinned") }
    }
}
