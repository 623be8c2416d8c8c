import Foundation
import ReelConcurrency
import ReelPluginKit
import ReelPostgres

/// The open live streams of this plugin generation and what feeds them.
/// Every host LISTENs on `NotificationStore.channel`; a notification made on
/// any host of the deployment NOTIFYs its user's id, and each host sends that
/// user's streams what is newer than what each has sent (so nothing is sent
/// twice, and a stream that missed a NOTIFY catches up on the next one).
final class LiveFeed: Sendable {
    /// One open stream: where it is and the last notification id it has.
    final class Subscriber: @unchecked Sendable {
        let userId: String
        let stream: HTTPStream
        /// Sends a notification on this stream (an SSE event or a Connect message).
        let send: @Sendable (StoredNotification, [String: String]) -> HTTPStream.WriteResult
        /// A comment line for SSE; nil for Connect, which has none.
        let heartbeat: [UInt8]?
        var lastSentId: Int64 // only touched by the feed's worker task

        init(userId: String, stream: HTTPStream, lastSentId: Int64, heartbeat: [UInt8]?,
             send: @escaping @Sendable (StoredNotification, [String: String]) -> HTTPStream.WriteResult) {
            self.userId = userId
            self.stream = stream
            self.lastSentId = lastSentId
            self.heartbeat = heartbeat
            self.send = send
        }
    }

    private let host: PluginHost
    private let database: PostgresClient
    private let databaseURL: String
    private let directory: Directory
    private let subscribers = LockedBox<[ObjectIdentifier: Subscriber]>([:])
    private let wake: AsyncStream<String?>.Continuation
    private let wakes: AsyncStream<String?>
    private let stopped = LockedBox(false)
    let heartbeatSeconds: Int

    init(host: PluginHost, database: PostgresClient, databaseURL: String, heartbeatSeconds: Int) {
        self.host = host
        self.database = database
        self.databaseURL = databaseURL
        self.directory = Directory(host: host)
        self.heartbeatSeconds = heartbeatSeconds
        (wakes, wake) = AsyncStream.makeStream(of: String?.self)
    }

    var count: Int { subscribers.withLock { $0.count } }

    func add(_ subscriber: Subscriber) {
        subscribers.withLock { $0[ObjectIdentifier(subscriber)] = subscriber }
        wake.yield(subscriber.userId)
    }

    func remove(_ subscriber: Subscriber) {
        _ = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(subscriber)) }
    }

    /// Sends new notifications, one user at a time (nil: every user).
    func runDelivery() async {
        await withTaskCancellationHandler {
            for await user in wakes { await deliver(to: user) }
        } onCancel: { [wake] in wake.finish() }
    }

    private func deliver(to user: String?) async {
        let targets = subscribers.withLock { all in all.values.filter { user == nil || $0.userId == user } }
        for subscriber in targets where !subscriber.stream.isClosed {
            let after = subscriber.lastSentId
            let userId = subscriber.userId
            do {
                let items = try await database.withConnection { c in
                    try NotificationStore.since(c, user: userId, after: after, limit: 500)
                }
                guard !items.isEmpty else { continue }
                let names = (try? await directory.displayNames(items.compactMap(\.actorId))) ?? [:]
                sending: for item in items {
                    switch subscriber.send(item, names) {
                    case .ok: subscriber.lastSentId = item.id
                    case .full, .closed:
                        // The client reconnects and resumes from what it has (Last-Event-ID).
                        subscriber.stream.end()
                        remove(subscriber)
                        break sending
                    }
                }
                // More than one page waiting: the next round sends the rest.
                if items.count == 500 { wake.yield(userId) }
            } catch {
                host.log(.warn, "live feed: reading notifications for \(userId) failed: \(error)")
            }
        }
    }

    /// A comment line every `heartbeatSeconds`: proxies keep the connection,
    /// and a client that left is noticed (its write fails).
    func runHeartbeat() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(heartbeatSeconds))
            let all = subscribers.withLock { Array($0.values) }
            for subscriber in all {
                guard let beat = subscriber.heartbeat else { continue }
                if subscriber.stream.write(beat) != .ok {
                    subscriber.stream.end()
                    remove(subscriber)
                }
            }
        }
    }

    /// LISTEN on its own connection and thread; reconnects after a failure
    /// and then wakes every stream (a NOTIFY may have been missed).
    func startListener() {
        let thread = Thread { [self] in listen() }
        thread.name = "reel-notification-listen"
        thread.start()
    }

    private func listen() {
        while !stopped.withLock({ $0 }) {
            do {
                let connection = try PostgresConnection(configuration: PostgresConfiguration(
                    url: databaseURL, applicationName: "reel-notification-listen"))
                try connection.listen(NotificationStore.channel)
                wake.yield(nil)
                while !stopped.withLock({ $0 }) {
                    if let note = try connection.waitForNotification(timeout: .milliseconds(500)) {
                        wake.yield(note.payload)
                    }
                }
            } catch {
                if stopped.withLock({ $0 }) { break }
                host.log(.warn, "live feed: LISTEN failed (\(error)); retrying in 1 s")
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Ends every stream (the generation is stopping) and the listener.
    func stop() {
        stopped.withLock { $0 = true }
        let all = subscribers.withLock { all in defer { all = [:] }; return Array(all.values) }
        all.forEach { $0.stream.end() }
        wake.finish()
    }
}
