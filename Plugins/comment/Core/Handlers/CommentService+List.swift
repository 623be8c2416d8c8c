import CReelProtoComment
import ReelPluginKit

extension CommentService {
    /// ListComments (public): thread roots of a video the caller may see,
    /// the pinned one first on the first page.
    func listComments(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__ListCommentsRequest.self,
                                       "reel.comment.v1.ListCommentsRequest")
        let m = request.message
        let videoId = try Fields.videoID(m.video_id)
        let limit = try Fields.pageSize(has: m.has_limit, m.limit)
        let order: CommentCursor.Order
        switch Proto.string(m.sort).trimmingCharacters(in: .whitespaces).lowercased() {
        case "", "newest": order = .newest
        case "oldest": order = .oldest
        case "top": order = .top
        case let other: throw PluginError.invalidArgument("sort must be newest, oldest or top, not \(other.debugDescription)")
        }
        let cursorText = Proto.string(m.cursor)
        let cursor = cursorText.isEmpty ? nil : try CommentCursor(decoding: cursorText, order: order)
        _ = try await VideoAccess.visible(host, videoId: videoId, caller: call.caller)

        let (enabled, pinned, rest, restLimit) = try await database.withConnection { c in
            guard try SettingsStore.enabled(c, videoId: videoId) else {
                return (false, [CommentRecord](), [CommentRecord](), 0)
            }
            let pinned = cursor == nil ? try CommentStore.pinned(c, videoId: videoId).map { [$0] } ?? [] : []
            let restLimit = limit - pinned.count
            let rest = try CommentStore.threads(c, videoId: videoId, order: order, after: cursor?.position,
                                                limit: restLimit + 1)
            return (true, pinned, rest, restLimit)
        }
        guard enabled else { return await page([], nextCursor: nil, enabled: false) }
        let shown = Array(rest.prefix(restLimit))
        var next: String?
        if rest.count > restLimit {
            next = (shown.last.map { CommentCursor(after: $0, order: order) } ?? CommentCursor(order: order, position: nil)).encoded
        }
        return await page(pinned + shown, nextCursor: next, enabled: true)
    }

    /// ListReplies (public): the replies of the thread of comment `id`, oldest first.
    func listReplies(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__ListRepliesRequest.self,
                                       "reel.comment.v1.ListRepliesRequest")
        let m = request.message
        let id = try Fields.commentID(m.id)
        let limit = try Fields.pageSize(has: m.has_limit, m.limit)
        let cursorText = Proto.string(m.cursor)
        let cursor = cursorText.isEmpty ? nil : try CommentCursor(decoding: cursorText, order: .replies)
        let (comment, _) = try await visibleComment(id, caller: call.caller)
        let (enabled, rows) = try await database.withConnection { c in
            guard try SettingsStore.enabled(c, videoId: comment.videoId) else { return (false, [CommentRecord]()) }
            return (true, try CommentStore.replies(c, threadId: comment.threadId, after: cursor?.position, limit: limit + 1))
        }
        guard enabled else { return await page([], nextCursor: nil, enabled: false) }
        let shown = Array(rows.prefix(limit))
        let next = rows.count > limit ? shown.last.map { CommentCursor(after: $0, order: .replies).encoded } : nil
        return await page(shown, nextCursor: next, enabled: true)
    }

    /// ListMyComments (signed in): the caller's own comments, newest first.
    func listMyComments(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Comment__V1__ListMyCommentsRequest.self,
                                       "reel.comment.v1.ListMyCommentsRequest")
        let m = request.message
        guard let author = CommentIDs.canonical(call.callerUserId) else { throw PluginError.unauthenticated("sign in first") }
        let limit = try Fields.pageSize(has: m.has_limit, m.limit)
        let cursorText = Proto.string(m.cursor)
        let cursor = cursorText.isEmpty ? nil : try CommentCursor(decoding: cursorText, order: .mine)
        let rows = try await database.withConnection { c in
            try CommentStore.byAuthor(c, authorId: author, after: cursor?.position, limit: limit + 1)
        }
        let shown = Array(rows.prefix(limit))
        let next = rows.count > limit ? shown.last.map { CommentCursor(after: $0, order: .mine).encoded } : nil
        return await page(shown, nextCursor: next)
    }
}
