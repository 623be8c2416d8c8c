import ReelPostgres

/// A row of comment.comments.
public struct CommentRecord: Sendable, Equatable {
    public var id: String
    public var videoId: String
    /// The thread's root (its own id for a root).
    public var threadId: String
    /// The comment answered; nil for a thread root.
    public var inReplyTo: String?
    public var authorId: String
    public var text: String
    /// ISO-8601 UTC with milliseconds.
    public var createdAt: String
    public var updatedAt: String
    /// Exact keyset-pagination key: microseconds since 1970.
    public var createdMicros: Int64
    public var edited: Bool
    public var deleted: Bool
    public var pinned: Bool
    /// Replies in the thread (roots; 0 for replies).
    public var replyCount: Int

    public var isRoot: Bool { id == threadId }

    public init(id: String, videoId: String, threadId: String, inReplyTo: String?, authorId: String, text: String,
                createdAt: String = "", updatedAt: String = "", createdMicros: Int64 = 0, edited: Bool = false,
                deleted: Bool = false, pinned: Bool = false, replyCount: Int = 0) {
        self.id = id
        self.videoId = videoId
        self.threadId = threadId
        self.inReplyTo = inReplyTo
        self.authorId = authorId
        self.text = text
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdMicros = createdMicros
        self.edited = edited
        self.deleted = deleted
        self.pinned = pinned
        self.replyCount = replyCount
    }

    /// The columns `init(row:)` reads, for the table aliased `c`.
    static let columns = """
        c.id::text AS id, c.video_id::text AS video_id, c.thread_id::text AS thread_id,
        c.in_reply_to::text AS in_reply_to, c.author_id::text AS author_id, c.text, c.edited, c.deleted, c.pinned,
        c.reply_count,
        to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at_iso,
        to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at_iso,
        (extract(epoch FROM c.created_at) * 1000000)::bigint AS created_micros
        """

    init(row: PostgresRow) throws {
        guard let id = try row.string("id"), let videoId = try row.string("video_id"),
              let threadId = try row.string("thread_id"), let authorId = try row.string("author_id"),
              let text = try row.string("text"), let edited = try row.bool("edited"), let deleted = try row.bool("deleted"),
              let pinned = try row.bool("pinned"), let replyCount = try row.int("reply_count"),
              let createdAt = try row.string("created_at_iso"), let updatedAt = try row.string("updated_at_iso"),
              let createdMicros = try row.int64("created_micros")
        else { throw PostgresError(kind: .typeMismatch, message: "comment.comments row with NULL values") }
        self.init(id: id, videoId: videoId, threadId: threadId, inReplyTo: try row.string("in_reply_to"),
                  authorId: authorId, text: text, createdAt: createdAt, updatedAt: updatedAt,
                  createdMicros: createdMicros, edited: edited, deleted: deleted, pinned: pinned, replyCount: replyCount)
    }
}
