import CReelProtoVideo
import ReelPluginKit

/// BatchGetVideos (internal): the catalog cards of many videos for plugins
/// whose lists hold video ids (the watchlist), in one call.
extension VideoService {
    static let maxBatchIds = 500

    func batchGetVideos(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__BatchGetVideosRequest.self,
                                       "reel.video.v1.BatchGetVideosRequest")
        let m = request.message
        guard m.n_ids <= Self.maxBatchIds else {
            throw PluginError.invalidArgument("at most \(Self.maxBatchIds) ids per call")
        }
        // Malformed ids name no video: they are left out like unknown ones.
        let asked = (0..<m.n_ids).compactMap { UUIDs.canonical(Proto.string(m.ids[$0])) }
        let viewer = Caller(userId: UUIDs.canonical(Proto.string(m.viewer_id)) ?? "", role: Proto.string(m.viewer_role))
        var seen = Set<String>()
        let unique = asked.filter { seen.insert($0).inserted }
        let rows = try await database.withConnection { c in try VideoStore.byIDs(c, unique) }
        var byID: [String: Video] = [:]
        for video in rows where video.isVisible(to: viewer) { byID[video.id] = video }
        let visible = asked.compactMap { byID[$0] }
        return VideoMessages.batch(visible, links, owners: await owners.names(for: visible.map(\.ownerId)))
    }
}
