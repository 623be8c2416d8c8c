import CReelProtoVideo
import ReelPluginKit

extension VideoService {
    static let defaultPageSize = 20
    static let maxPageSize = 100

    /// ListVideos (public): public, ready videos, keyset-paginated.
    func listVideos(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__ListVideosRequest.self, "reel.video.v1.ListVideosRequest")
        let m = request.message
        let limit = try Self.pageSize(has: m.has_limit != 0, m.limit)
        let order: CatalogCursor.Order
        switch Proto.string(m.sort).trimmingCharacters(in: .whitespaces).lowercased() {
        case "", "newest": order = .newest
        case "views": order = .views
        case let other: throw PluginError.invalidArgument("sort must be newest or views, not \(other.debugDescription)")
        }
        let cursorText = Proto.string(m.cursor)
        // The one length rule (code points, control characters refused): a
        // tag longer than any stored one is refused rather than searched.
        let tag = try TextRule(field: "tag", maxScalars: VideoValidation.maxTagLength)
            .validate(VideoValidation.normalizedTag(Proto.string(m.tag)))
        let search = try TextRule(field: "q", maxScalars: 200).validate(Proto.string(m.q))
        let query = VideoStore.CatalogQuery(
            order: order, after: cursorText.isEmpty ? nil : try CatalogCursor(decoding: cursorText, order: order),
            tag: tag.isEmpty ? nil : tag, search: search.isEmpty ? nil : search, limit: limit + 1)
        // A first page (the same for every caller: public, ready videos only):
        // from memory while nothing changed (CatalogCache).
        let key = query.after == nil
            ? CatalogCache.Key.page(order: order, limit: limit, tag: query.tag, search: query.search) : nil
        if let key, let cached = catalog.page(key) { return cached }
        let ticket = key == nil ? nil : catalog.ticket()
        let rows = try await database.withConnection { c in try VideoStore.catalog(c, query) }
        let answer = await page(rows, limit: limit, order: order)
        if let key, let ticket { catalog.store(answer, for: key, ticket: ticket) }
        return answer
    }

    /// ListMyVideos (signed in): the caller's videos in every state.
    func listMyVideos(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__ListMyVideosRequest.self,
                                       "reel.video.v1.ListMyVideosRequest")
        let limit = try Self.pageSize(has: request.message.has_limit != 0, request.message.limit)
        guard let owner = UUIDs.canonical(call.callerUserId) else { throw PluginError.unauthenticated("sign in first") }
        let cursorText = Proto.string(request.message.cursor)
        let after = cursorText.isEmpty ? nil : try CatalogCursor(decoding: cursorText, order: .created)
        let rows = try await database.withConnection { c in
            try VideoStore.byOwner(c, ownerId: owner, after: after, limit: limit + 1)
        }
        return await page(rows, limit: limit, order: .created)
    }

    /// GetVideo (public): private and unfinished videos only for their owner and admins.
    func getVideo(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__GetVideoRequest.self, "reel.video.v1.GetVideoRequest")
        let id = try VideoValidation.videoID(Proto.string(request.message.id))
        // A video anyone may see has one answer for every caller (it names no
        // caller): from memory while nothing changed (CatalogCache). Others
        // (private, unfinished) are read each time, for their owner and admins.
        let key = CatalogCache.Key.video(id: id)
        if let cached = catalog.page(key) { return cached }
        let ticket = catalog.ticket()
        let video = try await database.withConnection { c in try VideoStore.byID(c, id) }
        guard let video, video.isVisible(to: call.caller) else { throw PluginError.notFound("no video with id \(id)") }
        let answer = VideoMessages.video(video, links, owners: await owners.names(for: [video.ownerId]))
        if let ticket, video.state == .ready, video.visibility != .private { catalog.store(answer, for: key, ticket: ticket) }
        return answer
    }

    private func page(_ rows: [Video], limit: Int, order: CatalogCursor.Order) async -> [UInt8] {
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { CatalogCursor(after: $0, order: order).encoded } : nil
        return VideoMessages.page(items, nextCursor: next, links, owners: await owners.names(for: items.map(\.ownerId)))
    }

    static func pageSize(has: Bool, _ value: Int32) throws(PluginError) -> Int {
        guard has else { return defaultPageSize }
        guard (1...Int32(maxPageSize)).contains(value) else {
            throw .invalidArgument("limit must be between 1 and \(maxPageSize)")
        }
        return Int(value)
    }
}
