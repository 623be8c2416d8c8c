import ReelPluginKit
import ReelPostgres

/// Turns bus events into notifications off the bus thread: `enqueue`
/// returns at once and one task works through the queue. A creator's
/// followers are notified in batches of `batchSize` rows, one INSERT each.
final class EventWorker: Sendable {
    private let host: PluginHost
    private let database: PostgresClient
    private let videos: VideoDirectory
    private let batchSize: Int
    private let made: @Sendable ([NotificationStore.Made]) -> Void
    private let stream: AsyncStream<BusEvent>
    private let continuation: AsyncStream<BusEvent>.Continuation

    init(host: PluginHost, database: PostgresClient, batchSize: Int, made: @escaping @Sendable ([NotificationStore.Made]) -> Void) {
        self.host = host
        self.database = database
        self.videos = VideoDirectory(host: host)
        self.batchSize = batchSize
        self.made = made
        (stream, continuation) = AsyncStream.makeStream(of: BusEvent.self)
    }

    func enqueue(_ event: BusEvent) { continuation.yield(event) }

    /// The loop, until its task is cancelled.
    func run() async {
        await withTaskCancellationHandler {
            for await event in stream {
                do {
                    try await handle(event)
                } catch {
                    host.log(.warn, "notification: handling \(event) failed: \(error)")
                }
            }
        } onCancel: { [continuation] in
            continuation.finish()
        }
    }

    func handle(_ event: BusEvent) async throws {
        switch event {
        case .videoReady(let videoId, let ownerId):
            let card = try? await videos.card(videoId)
            try await notify(NewNotification(type: .videoReady, videoId: videoId, videoTitle: card?.title), users: [ownerId])
            guard let card, card.visibility == "public" else { return }
            try await database.withConnection { c in try SubscriptionStore.recordPublicVideo(c, videoId: videoId, creator: ownerId) }
            try await fanOut(NewNotification(type: .subscriptionVideo, actorId: ownerId, videoId: videoId, videoTitle: card.title),
                             creator: ownerId)
        case .videoFailed(let videoId, let ownerId, let reason):
            let card = try? await videos.card(videoId)
            try await notify(NewNotification(type: .videoFailed, videoId: videoId, videoTitle: card?.title,
                                             failureReason: reason.isEmpty ? "transcoding failed" : reason), users: [ownerId])
        case .videoDeleted(let videoId):
            try await database.withConnection { c in try SubscriptionStore.forgetVideo(c, videoId: videoId) }
        case .commentCreated(let comment):
            let recipients = CommentRecipients.of(comment)
            guard !recipients.isEmpty else { return }
            let card = try? await videos.card(comment.videoId)
            for (user, type) in recipients {
                try await notify(NewNotification(type: type, actorId: comment.authorId, videoId: comment.videoId,
                                                 videoTitle: card?.title, commentId: comment.commentId, threadId: comment.threadId),
                                 users: [user])
            }
        }
    }

    private func notify(_ n: NewNotification, users: [String]) async throws {
        let result = try await database.withConnection { c in try NotificationStore.make(c, n, for: users) }
        made(result)
    }

    /// Every follower of `creator`, `batchSize` at a time (keyset on the follower id).
    private func fanOut(_ n: NewNotification, creator: String) async throws {
        var after: String?
        var total = 0
        let batchSize = self.batchSize
        while true {
            let (batch, result) = try await database.withConnection { [after] c in
                let batch = try SubscriptionStore.followers(c, creator: creator, after: after, limit: batchSize)
                return (batch, try NotificationStore.make(c, n, for: batch))
            }
            total += result.count
            made(result)
            guard batch.count == batchSize, let last = batch.last else { break }
            after = last
        }
        if total > 0 { host.log(.info, "notification: \(n.type.rawValue) for video \(n.videoId ?? "") made for \(total) followers") }
    }
}
