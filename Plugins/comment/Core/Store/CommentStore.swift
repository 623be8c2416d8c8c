import Foundation
import ReelPluginKit
import ReelPostgres

/// comment.comments. Blocking functions for a pool thread's connection: call
/// them inside `PostgresClient.withConnection` / `withTransaction`.
enum CommentStore {
    /// A time from a cursor's microseconds, exactly.
    private static func time(_ index: Int) -> String { "(timestamptz 'epoch' + $\(index) * interval '1 microsecond')" }

    static func byID(_ c: PostgresConnection, _ id: String, forUpdate: Bool = false) throws -> CommentRecord? {
        try c.query("SELECT \(CommentRecord.columns) FROM comment.comments c WHERE c.id = $1" + (forUpdate ? " FOR UPDATE" : ""),
                    [.string(id)]).first.map(CommentRecord.init(row:))
    }

    struct NewComment: Sendable {
        var id: String
        var videoId: String
        var placement: ThreadRules.Placement
        var authorId: String
        var text: String
    }

    /// Inserts the comment and counts a reply on its thread's root. In a transaction.
    static func insert(_ c: PostgresConnection, _ n: NewComment) throws -> CommentRecord {
        let rows = try c.query("""
            INSERT INTO comment.comments AS c (id, video_id, thread_id, in_reply_to, author_id, text)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING \(CommentRecord.columns)
            """, [.string(n.id), .string(n.videoId), .string(n.placement.threadId ?? n.id),
                  n.placement.inReplyTo.map { .string($0) }, .string(n.authorId), .string(n.text)])
        guard let row = rows.first else { throw PluginError.internal("the new comment was not returned") }
        if let thread = n.placement.threadId {
            try c.query("UPDATE comment.comments SET reply_count = reply_count + 1 WHERE id = $1", [.string(thread)])
        }
        return try CommentRecord(row: row)
    }

    /// The pinned thread of a video, if any.
    static func pinned(_ c: PostgresConnection, videoId: String) throws -> CommentRecord? {
        try c.query("SELECT \(CommentRecord.columns) FROM comment.comments c WHERE c.video_id = $1 AND c.pinned",
                    [.string(videoId)]).first.map(CommentRecord.init(row:))
    }

    /// Unpinned thread roots of a video in `order`, after `position`.
    static func threads(_ c: PostgresConnection, videoId: String, order: CommentCursor.Order,
                        after position: CommentCursor.Position?, limit: Int) throws -> [CommentRecord] {
        var params: [PostgresValue?] = [.string(videoId), .int(limit)]
        var condition = ""
        if let p = position {
            params += [.int64(p.createdMicros), .string(p.id)]
            switch order {
            case .oldest: condition = "AND (c.created_at, c.id) > (\(time(3)), $4::uuid)"
            case .top:
                params.append(.int(p.replyCount))
                condition = "AND (c.reply_count, c.created_at, c.id) < ($5, \(time(3)), $4::uuid)"
            default: condition = "AND (c.created_at, c.id) < (\(time(3)), $4::uuid)"
            }
        }
        let sort = switch order {
        case .oldest: "c.created_at, c.id"
        case .top: "c.reply_count DESC, c.created_at DESC, c.id DESC"
        default: "c.created_at DESC, c.id DESC"
        }
        return try c.query("""
            SELECT \(CommentRecord.columns) FROM comment.comments c
            WHERE c.video_id = $1 AND c.id = c.thread_id AND NOT c.pinned \(condition)
            ORDER BY \(sort) LIMIT $2
            """, params).map(CommentRecord.init(row:))
    }

    /// The replies of a thread, oldest first, after `position`.
    static func replies(_ c: PostgresConnection, threadId: String, after position: CommentCursor.Position?,
                        limit: Int) throws -> [CommentRecord] {
        var params: [PostgresValue?] = [.string(threadId), .int(limit)]
        var condition = ""
        if let p = position {
            params += [.int64(p.createdMicros), .string(p.id)]
            condition = "AND (c.created_at, c.id) > (\(time(3)), $4::uuid)"
        }
        return try c.query("""
            SELECT \(CommentRecord.columns) FROM comment.comments c
            WHERE c.thread_id = $1 AND c.id <> c.thread_id \(condition)
            ORDER BY c.created_at, c.id LIMIT $2
            """, params).map(CommentRecord.init(row:))
    }

    /// A user's own comments (not deleted ones), newest first.
    static func byAuthor(_ c: PostgresConnection, authorId: String, after position: CommentCursor.Position?,
                         limit: Int) throws -> [CommentRecord] {
        var params: [PostgresValue?] = [.string(authorId), .int(limit)]
        var condition = ""
        if let p = position {
            params += [.int64(p.createdMicros), .string(p.id)]
            condition = "AND (c.created_at, c.id) < (\(time(3)), $4::uuid)"
        }
        return try c.query("""
            SELECT \(CommentRecord.columns) FROM comment.comments c
            WHERE c.author_id = $1 AND NOT c.deleted \(condition)
            ORDER BY c.created_at DESC, c.id DESC LIMIT $2
            """, params).map(CommentRecord.init(row:))
    }

    static func updateText(_ c: PostgresConnection, id: String, text: String) throws -> CommentRecord {
        let rows = try c.query("""
            UPDATE comment.comments c SET text = $2, edited = true, updated_at = clock_timestamp()
            WHERE c.id = $1 AND NOT c.deleted RETURNING \(CommentRecord.columns)
            """, [.string(id), .string(text)])
        guard let row = rows.first else { throw PluginError.notFound("no comment with id \(id)") }
        return try CommentRecord(row: row)
    }

    /// Whether others answered it: any reply in a root's thread, any answer to a reply.
    static func hasReplies(_ c: PostgresConnection, _ comment: CommentRecord) throws -> Bool {
        let sql = comment.isRoot
            ? "SELECT EXISTS (SELECT 1 FROM comment.comments WHERE thread_id = $1 AND id <> thread_id) AS answered"
            : "SELECT EXISTS (SELECT 1 FROM comment.comments WHERE in_reply_to = $1) AS answered"
        return try c.query(sql, [.string(comment.id)]).first?.bool("answered") ?? false
    }

    /// Keeps the comment as a placeholder: deleted, no text, unpinned.
    static func makePlaceholder(_ c: PostgresConnection, id: String) throws {
        try c.query("""
            UPDATE comment.comments SET deleted = true, text = '', pinned = false, updated_at = clock_timestamp()
            WHERE id = $1
            """, [.string(id)])
    }

    /// Removes the comment, then every placeholder above it that no longer
    /// has answers. In a transaction.
    static func remove(_ c: PostgresConnection, _ comment: CommentRecord) throws {
        try removeRow(c, comment)
        var next = comment.inReplyTo
        while let id = next, let parent = try byID(c, id, forUpdate: true), parent.deleted, try !hasReplies(c, parent) {
            try removeRow(c, parent)
            next = parent.inReplyTo
        }
        if !comment.isRoot, let root = try byID(c, comment.threadId, forUpdate: true), root.deleted, try !hasReplies(c, root) {
            try removeRow(c, root)
        }
    }

    private static func removeRow(_ c: PostgresConnection, _ comment: CommentRecord) throws {
        try c.query("DELETE FROM comment.comments WHERE id = $1", [.string(comment.id)])
        if !comment.isRoot {
            try c.query("UPDATE comment.comments SET reply_count = greatest(reply_count - 1, 0) WHERE id = $1",
                        [.string(comment.threadId)])
        }
    }

    /// Pins a root, unpinning the video's other pinned thread. In a transaction;
    /// pins of one video take turns (the unique index would refuse the second
    /// of two at once).
    static func pin(_ c: PostgresConnection, _ comment: CommentRecord) throws -> CommentRecord {
        try c.query("SELECT pg_advisory_xact_lock(hashtext('comment.pin:' || $1))", [.string(comment.videoId)])
        guard let current = try byID(c, comment.id, forUpdate: true), !current.deleted else {
            throw PluginError.notFound("no comment with id \(comment.id)")
        }
        try c.query("UPDATE comment.comments SET pinned = false WHERE video_id = $1 AND pinned AND id <> $2",
                    [.string(comment.videoId), .string(comment.id)])
        return try setPinned(c, id: comment.id, true)
    }

    static func setPinned(_ c: PostgresConnection, id: String, _ pinned: Bool) throws -> CommentRecord {
        let rows = try c.query("UPDATE comment.comments c SET pinned = $2 WHERE c.id = $1 RETURNING \(CommentRecord.columns)",
                               [.string(id), .bool(pinned)])
        guard let row = rows.first else { throw PluginError.notFound("no comment with id \(id)") }
        return try CommentRecord(row: row)
    }

    /// Every comment and the settings of a video (video.deleted).
    static func deleteVideo(_ c: PostgresConnection, videoId: String) throws -> Int {
        let removed = try c.query("DELETE FROM comment.comments WHERE video_id = $1 RETURNING id", [.string(videoId)]).count
        try c.query("DELETE FROM comment.settings WHERE video_id = $1", [.string(videoId)])
        return removed
    }

    /// Serializes one author's posts (the rate limit) until the transaction ends,
    /// and answers the times (epoch seconds) of their comments in the last `seconds`.
    static func lockAuthorAndRecentTimes(_ c: PostgresConnection, authorId: String, seconds: Double) throws -> [Double] {
        try c.query("SELECT pg_advisory_xact_lock(hashtext('comment.author:' || $1))", [.string(authorId)])
        return try c.query("""
            SELECT extract(epoch FROM created_at)::float8 AS at FROM comment.comments
            WHERE author_id = $1 AND created_at > clock_timestamp() - $2 * interval '1 second'
            """, [.string(authorId), .double(seconds)]).compactMap { try $0.double("at") }
    }

    /// The database's clock (the rate limit compares with created_at).
    static func now(_ c: PostgresConnection) throws -> Double {
        try c.query("SELECT extract(epoch FROM clock_timestamp())::float8 AS now").first?.double("now") ?? 0
    }
}
