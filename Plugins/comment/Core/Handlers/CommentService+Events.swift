import ReelPluginKit

extension CommentService {
    /// video.deleted: the video's comments and settings go with it.
    func handle(topic: String, payload: [UInt8]) async {
        guard topic == CommentEvents.videoDeleted, let videoId = CommentEvents.deletedVideoId(payload) else { return }
        do {
            let removed = try await database.withConnection { c in try CommentStore.deleteVideo(c, videoId: videoId) }
            host.log(.info, "video \(videoId) deleted: removed its \(removed) comments")
        } catch {
            host.log(.error, "could not remove the comments of deleted video \(videoId): \(error)")
        }
    }
}
