import CReelProtoVideo
import Foundation
import ReelPluginKit

/// Packs the plugin's output messages (protobuf-c structs) into bytes.
enum VideoMessages {
    /// `owners`: display names by user id (DisplayNames); a missing one shows "".
    static func video(_ video: Video, _ links: MediaLinks, owners: [String: String] = [:]) -> [UInt8] {
        let arena = ProtoArena()
        var message = videoMessage(video, links, arena, owners: owners)
        return Proto.pack(&message)
    }

    static func page(_ videos: [Video], nextCursor: String?, _ links: MediaLinks, owners: [String: String] = [:]) -> [UInt8] {
        let arena = ProtoArena()
        let items = arena.allocate(UnsafeMutablePointer<Reel__Video__V1__Video>?.self, count: videos.count)
        for (index, video) in videos.enumerated() { items[index] = arena.box(videoMessage(video, links, arena, owners: owners)) }
        var message = Reel__Video__V1__VideoPage()
        reel__video__v1__video_page__init(&message)
        message.n_items = videos.count
        message.items = videos.isEmpty ? nil : items
        message.next_cursor = arena.string(nextCursor)
        return Proto.pack(&message)
    }

    /// DeleteVideoResponse: no fields, no bytes.
    static let empty: [UInt8] = []

    static func videoMessage(_ v: Video, _ links: MediaLinks, _ arena: ProtoArena,
                             owners: [String: String] = [:]) -> Reel__Video__V1__Video {
        var m = Reel__Video__V1__Video()
        reel__video__v1__video__init(&m)
        var owner = Reel__Video__V1__VideoOwner()
        reel__video__v1__video_owner__init(&owner)
        owner.id = arena.string(v.ownerId)
        owner.display_name = arena.string(owners[v.ownerId] ?? "")
        m.owner = arena.box(owner)
        m.id = arena.string(v.id)
        m.title = arena.string(v.title)
        m.description = arena.string(v.description)
        m.n_tags = v.tags.count
        m.tags = arena.strings(v.tags)
        m.visibility = arena.string(v.visibility.rawValue)
        m.state = arena.string(v.state.rawValue)
        m.has_progress = 1
        m.progress = Int32(clamping: v.progress)
        if let duration = v.durationSeconds {
            m.has_duration_seconds = 1
            m.duration_seconds = duration
        }
        m.owner_id = arena.string(v.ownerId)
        m.created_at = arena.string(v.createdAt)
        m.has_views = 1
        m.views = Int32(clamping: v.views)
        // URLs only once the renditions are there; while processing, the
        // growing HLS stream once its first segments are published. Signed
        // unless the video is open to everyone (see MediaLinks).
        if v.state == .ready {
            m.poster_url = arena.string(links.url(v.posterKey, of: v))
            m.hls_url = arena.string(links.url(v.hlsKey, of: v))
            m.dash_url = arena.string(links.url(v.dashKey, of: v))
            let thumbnails = v.thumbnailKeys.compactMap { links.url($0, of: v) }
            m.n_thumbnail_urls = thumbnails.count
            m.thumbnail_urls = arena.strings(thumbnails)
        } else if v.state == .processing {
            m.hls_url = arena.string(links.url(v.hlsKey, of: v))
        }
        m.has_rungs_done = 1
        m.rungs_done = Int32(clamping: v.rungsDone)
        m.has_rungs_total = 1
        m.rungs_total = Int32(clamping: v.rungsTotal)
        m.failure_reason = v.state == .failed ? arena.string(v.failureReason ?? "transcoding failed") : nil
        m.published_at = arena.string(v.publishedAt)
        if let width = v.width, let height = v.height {
            m.has_width = 1
            m.width = Int32(clamping: width)
            m.has_height = 1
            m.height = Int32(clamping: height)
        }
        return m
    }
}

extension VideoMessages {
    static func continueWatching(_ items: [ViewingStore.Watching], nextCursor: String?, _ links: MediaLinks,
                                 owners: [String: String] = [:]) -> [UInt8] {
        let arena = ProtoArena()
        let list = arena.allocate(UnsafeMutablePointer<Reel__Video__V1__ContinueWatchingItem>?.self, count: items.count)
        for (index, item) in items.enumerated() {
            var m = Reel__Video__V1__ContinueWatchingItem()
            reel__video__v1__continue_watching_item__init(&m)
            m.video = arena.box(videoMessage(item.video, links, arena, owners: owners))
            m.has_position_seconds = 1
            m.position_seconds = item.positionSeconds
            m.updated_at = arena.string(item.updatedAt)
            list[index] = arena.box(m)
        }
        var message = Reel__Video__V1__ContinueWatchingPage()
        reel__video__v1__continue_watching_page__init(&message)
        message.n_items = items.count
        message.items = items.isEmpty ? nil : list
        message.next_cursor = arena.string(nextCursor)
        return Proto.pack(&message)
    }

    static func viewRecorded(counted: Bool, views: Int64) -> [UInt8] {
        var m = Reel__Video__V1__RecordViewResponse()
        reel__video__v1__record_view_response__init(&m)
        m.has_counted = 1
        m.counted = counted ? 1 : 0
        m.has_views = 1
        m.views = Int32(clamping: views)
        return Proto.pack(&m)
    }
}
