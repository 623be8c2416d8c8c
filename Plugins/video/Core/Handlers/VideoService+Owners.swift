import CReelProtoVideo
import ReelPluginKit

/// ListVideosByOwners (internal): the public, ready videos of some creators,
/// newest published first, for plugins that list creators' videos (the
/// notification plugin's subscriptions and channel pages) without reading
/// this plugin's tables.
extension VideoService {
    static let maxOwnerIds = 5000

    func listVideosByOwners(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__ListVideosByOwnersRequest.self,
                                       "reel.video.v1.ListVideosByOwnersRequest")
        let m = request.message
        guard m.n_owner_ids <= Self.maxOwnerIds else {
            throw PluginError.invalidArgument("at most \(Self.maxOwnerIds) owner ids per call")
        }
        let limit = try Self.pageSize(has: m.has_limit != 0, m.limit)
        // Malformed ids name no creator: they match nothing.
        let owners = Array(Set((0..<m.n_owner_ids).compactMap { UUIDs.canonical(Proto.string(m.owner_ids[$0])) }))
        let cursorText = Proto.string(m.cursor)
        let after = cursorText.isEmpty ? nil : try CatalogCursor(decoding: cursorText, order: .newest)
        guard !owners.isEmpty else { return VideoMessages.page([], nextCursor: nil, links) }
        let rows = try await database.withConnection { c in
            try VideoStore.publicByOwners(c, owners, after: after, limit: limit + 1)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { CatalogCursor(after: $0, order: .newest).encoded } : nil
        return VideoMessages.page(items, nextCursor: next, links, owners: await self.owners.names(for: items.map(\.ownerId)))
    }
}
