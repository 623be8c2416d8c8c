import CReelABI
import CReelProtoVideo
import ReelPluginKit

/// What the notification plugin asks the video service over the bus: one
/// video's details (GetVideo, which answers other plugins whatever the
/// visibility), cards as a viewer sees them (internal BatchGetVideos) and
/// creators' public videos (internal ListVideosByOwners).
struct VideoDirectory: Sendable {
    let host: PluginHost

    struct Card: Sendable {
        var id: String
        var title: String
        var visibility: String
        var state: String
    }

    /// One video's title, visibility and state (nil if it is gone).
    func card(_ videoId: String) async throws -> Card? {
        let arena = ProtoArena()
        var request = Reel__Video__V1__GetVideoRequest()
        reel__video__v1__get_video_request__init(&request)
        request.id = arena.string(videoId)
        let bytes: [UInt8]
        switch await Directory(host: host).call("reel.video.v1.VideoService/GetVideo", Proto.pack(&request)) {
        case .success(let answer): bytes = answer
        case .failure(let error) where error.code == REEL_NOT_FOUND: return nil
        case .failure(let error): throw error
        }
        let video = try Proto.unpack(bytes, as: Reel__Video__V1__Video.self, "reel.video.v1.Video")
        defer { withExtendedLifetime(video) {} } // its strings are read below
        let m = video.message
        return Card(id: Proto.string(m.id), title: Proto.string(m.title), visibility: Proto.string(m.visibility),
                    state: Proto.string(m.state))
    }

    /// A VideoPage of the cards of `ids` as `viewer` sees them (hidden ones left out).
    func page(_ ids: [String], viewer: String, role: String, nextCursor: String?) async throws -> [UInt8] {
        let arena = ProtoArena()
        var page = Reel__Video__V1__VideoPage()
        reel__video__v1__video_page__init(&page)
        page.next_cursor = arena.string(nextCursor)
        guard !ids.isEmpty else { return Proto.pack(&page) }
        let items = try await batch(ids, viewer: viewer, role: role)
        let response = try Proto.unpack(items, as: Reel__Video__V1__BatchGetVideosResponse.self,
                                        "reel.video.v1.BatchGetVideosResponse")
        defer { withExtendedLifetime(response) {} } // its strings are read below
        page.n_items = response.message.n_videos
        page.items = response.message.videos
        return withExtendedLifetime(response) { Proto.pack(&page) }
    }

    /// The most owner ids ListVideosByOwners takes in one call.
    static let maxOwners = 5000

    /// A VideoPage of the public, ready videos of `owners`, newest first
    /// (the video service's internal ListVideosByOwners; its opaque cursor).
    func byOwners(_ owners: [String], cursor: String, limit: Int) async throws -> [UInt8] {
        let arena = ProtoArena()
        var request = Reel__Video__V1__ListVideosByOwnersRequest()
        reel__video__v1__list_videos_by_owners_request__init(&request)
        request.n_owner_ids = owners.count
        request.owner_ids = owners.isEmpty ? nil : arena.strings(owners)
        request.cursor = cursor.isEmpty ? nil : arena.string(cursor)
        request.has_limit = 1
        request.limit = Int32(clamping: limit)
        return try await host.call("reel.video.v1.VideoService/ListVideosByOwners", Proto.pack(&request))
    }

    private func batch(_ ids: [String], viewer: String, role: String) async throws -> [UInt8] {
        let arena = ProtoArena()
        var request = Reel__Video__V1__BatchGetVideosRequest()
        reel__video__v1__batch_get_videos_request__init(&request)
        request.n_ids = ids.count
        request.ids = arena.strings(ids)
        request.viewer_id = arena.string(viewer)
        request.viewer_role = arena.string(role)
        return try await host.call("reel.video.v1.VideoService/BatchGetVideos", Proto.pack(&request))
    }
}
