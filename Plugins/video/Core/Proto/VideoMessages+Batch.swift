import CReelProtoVideo
import ReelPluginKit

extension VideoMessages {
    /// BatchGetVideosResponse: the cards, in the order given.
    static func batch(_ videos: [Video], _ links: MediaLinks, owners: [String: String] = [:]) -> [UInt8] {
        let arena = ProtoArena()
        let items = arena.allocate(UnsafeMutablePointer<Reel__Video__V1__Video>?.self, count: videos.count)
        for (index, video) in videos.enumerated() { items[index] = arena.box(videoMessage(video, links, arena, owners: owners)) }
        var message = Reel__Video__V1__BatchGetVideosResponse()
        reel__video__v1__batch_get_videos_response__init(&message)
        message.n_videos = videos.count
        message.videos = videos.isEmpty ? nil : items
        return Proto.pack(&message)
    }
}
