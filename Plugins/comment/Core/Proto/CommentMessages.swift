import CReelProtoComment
import ReelPluginKit

/// Packs the plugin's output messages (protobuf-c structs) into bytes.
enum CommentMessages {
    static func comment(_ comment: CommentRecord, names: [String: String]) -> [UInt8] {
        let arena = ProtoArena()
        var message = commentMessage(comment, names, arena)
        return Proto.pack(&message)
    }

    /// `enabled`: set for a video's listings (ListComments, ListReplies).
    static func page(_ comments: [CommentRecord], nextCursor: String?, names: [String: String],
                     enabled: Bool? = nil) -> [UInt8] {
        let arena = ProtoArena()
        let items = arena.allocate(UnsafeMutablePointer<Reel__Comment__V1__Comment>?.self, count: comments.count)
        for (index, comment) in comments.enumerated() { items[index] = arena.box(commentMessage(comment, names, arena)) }
        var message = Reel__Comment__V1__CommentPage()
        reel__comment__v1__comment_page__init(&message)
        message.n_items = comments.count
        message.items = comments.isEmpty ? nil : items
        message.next_cursor = arena.string(nextCursor)
        if let enabled {
            message.has_enabled = 1
            message.enabled = enabled ? 1 : 0
        }
        return Proto.pack(&message)
    }

    static func settings(videoId: String, enabled: Bool) -> [UInt8] {
        let arena = ProtoArena()
        var message = Reel__Comment__V1__CommentSettings()
        reel__comment__v1__comment_settings__init(&message)
        message.video_id = arena.string(videoId)
        message.has_enabled = 1
        message.enabled = enabled ? 1 : 0
        return Proto.pack(&message)
    }

    /// DeleteCommentResponse: no fields, no bytes.
    static let empty: [UInt8] = []

    /// A deleted placeholder shows no author and no text.
    static func commentMessage(_ c: CommentRecord, _ names: [String: String], _ arena: ProtoArena) -> Reel__Comment__V1__Comment {
        var m = Reel__Comment__V1__Comment()
        reel__comment__v1__comment__init(&m)
        m.id = arena.string(c.id)
        m.video_id = arena.string(c.videoId)
        if !c.deleted {
            var author = Reel__Comment__V1__CommentAuthor()
            reel__comment__v1__comment_author__init(&author)
            author.id = arena.string(c.authorId)
            author.display_name = arena.string(names[c.authorId] ?? "")
            m.author = arena.box(author)
        }
        m.text = arena.string(c.deleted ? "" : c.text)
        m.created_at = arena.string(c.createdAt)
        m.updated_at = arena.string(c.updatedAt)
        m.has_edited = 1
        m.edited = c.edited && !c.deleted ? 1 : 0
        m.has_deleted = 1
        m.deleted = c.deleted ? 1 : 0
        m.has_pinned = 1
        m.pinned = c.pinned ? 1 : 0
        m.has_reply_count = 1
        m.reply_count = Int32(clamping: c.replyCount)
        m.in_reply_to = arena.string(c.inReplyTo)
        m.thread_id = arena.string(c.threadId)
        return m
    }
}

/// Reading request fields.
enum Fields {
    /// A string field that must be valid UTF-8 (protobuf-c does not check;
    /// the JSON routes already did). NULL reads as "".
    static func text(_ pointer: UnsafeMutablePointer<CChar>?, _ name: String) throws(PluginError) -> String {
        guard let pointer else { return "" }
        guard let text = String(validatingCString: pointer) else {
            throw .invalidArgument("\(name) is not valid UTF-8")
        }
        return text
    }

    /// A comment id (not a UUID: no such comment).
    static func commentID(_ pointer: UnsafeMutablePointer<CChar>?) throws(PluginError) -> String {
        let raw = Proto.string(pointer)
        guard let id = CommentIDs.canonical(raw) else {
            throw raw.isEmpty ? .invalidArgument("a comment id is required") : .notFound("no comment with id \(raw)")
        }
        return id
    }

    static func videoID(_ pointer: UnsafeMutablePointer<CChar>?) throws(PluginError) -> String {
        let raw = Proto.string(pointer)
        guard let id = CommentIDs.canonical(raw) else {
            throw raw.isEmpty ? .invalidArgument("videoId is required") : .notFound("no video with id \(raw)")
        }
        return id
    }

    static let defaultPageSize = 20
    static let maxPageSize = 100

    static func pageSize(has: Int32, _ value: Int32) throws(PluginError) -> Int {
        guard has != 0 else { return defaultPageSize }
        guard (1...Int32(maxPageSize)).contains(value) else {
            throw .invalidArgument("limit must be between 1 and \(maxPageSize)")
        }
        return Int(value)
    }

    /// The comment's text under the text rules, or invalid_argument.
    static func commentText(_ pointer: UnsafeMutablePointer<CChar>?) throws(PluginError) -> String {
        switch CommentText.normalized(try text(pointer, "text")) {
        case .success(let text): return text
        case .failure(let problem): throw .invalidArgument(problem.description)
        }
    }
}
