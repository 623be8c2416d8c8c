import ReelPluginKit
import ReelPostgres

/// Turns bus events into notifications off the bus thread. `record` writes
/// the event to the durable inbox (notification.inbox) before the bus
/// handler returns; one loop claims due events from there, oldest first,
/// handles them and deletes them (retried with backoff on failure), so an
/// event survives a process that dies before it is handled. A creator's
/// followers are notified in batches of `batchSize` rows, one INSERT each.
final class EventWorker: Sendable {
    /// How long a claimed event is left alone by other hosts (a fan-out to
    /// many followers takes a while).
    static let leaseSeconds = 300
    static let maxBackoffSeconds = 300

    private let host: PluginHost
    private let database: PostgresClient
    private let videos: VideoDirectory
    private let batchSize: Int
    private let holdSeconds: Int
    private let made: @Sendable ([NotificationStore.Made]) -> Void
    private let loop: PollingLoop
    private let metrics: NotificationMetrics

    init(host: PluginHost, database: PostgresClient, batchSize: Int, holdSeconds: Int = 0, pollSeconds: Double = 5,
         made: @escaping @Sendable ([NotificationStore.Made]) -> Void) {
        self.host = host
        self.database = database
        self.videos = VideoDirectory(host: host)
        self.batchSize = batchSize
        self.holdSeconds = holdSeconds
        self.made = made
        self.loop = PollingLoop(everySeconds: pollSeconds, step: .milliseconds(50))
        self.metrics = NotificationMetrics(host.metrics)
    }

    /// Writes a (well-formed) event to the inbox and wakes the loop; if the
    /// database cannot take it, the event is handled at once instead.
    func record(topic: String, payload: [UInt8], event: BusEvent) async {
        do {
            try await database.withConnection { c in try InboxStore.record(c, topic: topic, payload: payload) }
            loop.wake()
        } catch {
            host.log(.warn, "notification: recording a \(topic) event failed (\(error)); handling it now")
            do { try await handle(event) } catch {
                host.log(.warn, "notification: handling \(event) failed: \(error)")
            }
        }
    }

    /// The loop, until its task is cancelled.
    func run() async { await loop.run { await self.handleDue() } }

    /// One round: every due event, in the order received.
    func handleDue() async {
        while !Task.isCancelled {
            let due: [InboxStore.Event]
            let hold = holdSeconds
            do {
                due = try await database.withConnection { c in
                    try InboxStore.claimDue(c, limit: 20, leaseSeconds: Self.leaseSeconds, holdSeconds: hold)
                }
            } catch {
                host.log(.warn, "notification: reading the inbox failed: \(error)")
                return
            }
            if due.isEmpty { return }
            for entry in due { await handle(entry) }
        }
    }

    private func handle(_ entry: InboxStore.Event) async {
        do {
            if let event = BusEvent.decode(topic: entry.topic, payload: entry.payload) {
                try await handle(event)
            }
            try await database.withConnection { c in try InboxStore.done(c, id: entry.id) }
        } catch {
            let backoff = min(1 << min(entry.attempts, 10), Self.maxBackoffSeconds)
            host.log(.warn, "notification: handling inbox event \(entry.id) (\(entry.topic)) failed: \(error); "
                     + "retrying in \(backoff) s")
            do {
                try await database.withConnection { c in
                    try InboxStore.retryLater(c, id: entry.id, error: "\(error)", inSeconds: backoff)
                }
            } catch {
                host.log(.warn, "notification: recording a failed inbox event failed: \(error)")
            }
        }
    }

    /// One event. A video service that cannot answer (not loaded yet after
    /// a restart, unavailable) throws: the inbox retries the event later.
    func handle(_ event: BusEvent) async throws {
        switch event {
        case .videoReady(let videoId, let ownerId):
            let card = try await videos.card(videoId)
            try await notify(NewNotification(type: .videoReady, videoId: videoId, videoTitle: card?.title), users: [ownerId])
            guard let card, card.visibility == "public" else { return }
            try await fanOut(NewNotification(type: .subscriptionVideo, actorId: ownerId, videoId: videoId, videoTitle: card.title),
                             creator: ownerId)
        case .videoFailed(let videoId, let ownerId, let reason):
            let card = try await videos.card(videoId)
            try await notify(NewNotification(type: .videoFailed, videoId: videoId, videoTitle: card?.title,
                                             failureReason: reason.isEmpty ? "transcoding failed" : reason), users: [ownerId])
        case .commentCreated(let comment):
            let recipients = CommentRecipients.of(comment)
            guard !recipients.isEmpty else { return }
            let card = try await videos.card(comment.videoId)
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
            metrics.fanOut.increment(by: Double(result.count))
            made(result)
            guard batch.count == batchSize, let last = batch.last else { break }
            after = last
        }
        if total > 0 { host.log(.info, "notification: \(n.type.rawValue) for video \(n.videoId ?? "") made for \(total) followers") }
    }
}
