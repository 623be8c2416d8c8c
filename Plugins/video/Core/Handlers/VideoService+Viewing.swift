import CReelProtoVideo
import Foundation
import ReelPluginKit

/// Viewing: playback positions, continue-watching, view counting.
extension VideoService {
    /// ReportPosition (signed in): PUT /api/v1/videos/{id}/position → 204.
    func reportPosition(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__ReportPositionRequest.self,
                                       "reel.video.v1.ReportPositionRequest")
        let m = request.message
        let id = try VideoValidation.videoID(Proto.string(m.id))
        guard let user = UUIDs.canonical(call.callerUserId) else { throw PluginError.unauthenticated("sign in first") }
        guard m.has_position_seconds != 0, m.position_seconds.isFinite, m.position_seconds >= 0 else {
            throw PluginError.invalidArgument("positionSeconds must be a number of seconds, 0 or more")
        }
        let caller = call.caller, day = Self.utcDay(), reported = m.position_seconds
        let counted = try await database.withTransaction { c in
            guard let video = try VideoStore.byID(c, id), video.isVisible(to: caller) else {
                throw PluginError.notFound("no video with id \(id)")
            }
            let position = min(reported, video.durationSeconds ?? reported)
            try ViewingStore.savePosition(c, userId: user, videoId: id, seconds: position)
            guard video.state == .ready else { return false }
            // Counts once the viewer has played past watchSeconds, in real time.
            return try ViewingStore.countView(
                c, videoId: id, viewer: "u:" + user, day: day,
                playedEnough: position >= ViewingStore.watchSeconds(duration: video.durationSeconds),
                minimumElapsedSeconds: ViewingStore.minimumElapsed(duration: video.durationSeconds)).counted
        }
        // A counted view: this host's cached answers for the video go (CatalogCache.forget, GatewayPurges).
        if counted {
            catalog.forget(.video(id: id))
            GatewayPurges.viewCounted(host, videoId: id)
        }
        return VideoMessages.empty
    }

    /// ListContinueWatching (signed in): GET /api/v1/me/continue-watching.
    func listContinueWatching(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__ListContinueWatchingRequest.self,
                                       "reel.video.v1.ListContinueWatchingRequest")
        let limit = try Self.pageSize(has: request.message.has_limit != 0, request.message.limit)
        guard let user = UUIDs.canonical(call.callerUserId) else { throw PluginError.unauthenticated("sign in first") }
        let cursorText = Proto.string(request.message.cursor)
        let after = cursorText.isEmpty ? nil : try CatalogCursor(decoding: cursorText, order: .watched)
        let isAdmin = call.caller.isPrivileged
        let rows = try await database.withConnection { c in
            try ViewingStore.continueWatching(c, userId: user, isAdmin: isAdmin, after: after, limit: limit + 1)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map {
            CatalogCursor(order: .watched, key: $0.updatedMicros, id: $0.video.id).encoded
        } : nil
        return VideoMessages.continueWatching(items, nextCursor: next, links,
                                              owners: await owners.names(for: items.map(\.video.ownerId)))
    }

    /// RecordView (public): POST /api/v1/videos/{id}/views. Without prior
    /// playback it only starts the clock (`counted: false`): the player calls
    /// it when playback starts and again after `watchSeconds` of playing.
    func recordView(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__RecordViewRequest.self, "reel.video.v1.RecordViewRequest")
        let id = try VideoValidation.videoID(Proto.string(request.message.id))
        let caller = call.caller, day = Self.utcDay()
        let viewer: String
        if let user = UUIDs.canonical(call.callerUserId) {
            viewer = "u:" + user
        } else {
            viewer = "a:" + media.signer.viewerToken(address: call.clientAddress, day: day)
        }
        let outcome = try await database.withTransaction { c in
            guard let video = try VideoStore.byID(c, id), video.isVisible(to: caller), video.state == .ready else {
                throw PluginError.notFound("no video with id \(id)")
            }
            // The first call starts the clock; a later one counts (see ViewingStore.countView).
            return try ViewingStore.countView(c, videoId: id, viewer: viewer, day: day,
                                              minimumElapsedSeconds: ViewingStore.minimumElapsed(duration: video.durationSeconds))
        }
        if outcome.counted {
            catalog.forget(.video(id: id))
            GatewayPurges.viewCounted(host, videoId: id)
        }
        return VideoMessages.viewRecorded(counted: outcome.counted, views: outcome.views)
    }

    /// Today in UTC, YYYY-MM-DD (the day a view counts for).
    static func utcDay(_ date: Date = Date()) -> String { UTCDate.day(date) }
}
