import Foundation
import ReelConcurrency
import ReelPostgres

/// LISTENs on the queue's channels on a connection and thread of its own,
/// and calls `onNotification` with the channel of each NOTIFY. After a
/// broken connection it reconnects and calls `onNotification` for every
/// channel (notifications sent meanwhile are lost; the tables are not).
final class QueueListener: Sendable {
    private let configuration: PostgresConfiguration
    private let channels: [String]
    private let onNotification: @Sendable (String) -> Void
    private let stopped = LockedBox(false)
    private let finished = LockedBox(false)

    init(configuration: PostgresConfiguration, channels: [String], onNotification: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.channels = channels
        self.onNotification = onNotification
    }

    func start() {
        let thread = Thread { [self] in
            listen()
            finished.withLockWakingWaiters { $0 = true }
        }
        thread.name = "reel-transcoder-listen"
        thread.start()
    }

    /// Stops the thread (within about a second) and waits for it.
    func stop() {
        stopped.withLock { $0 = true }
        finished.wait { $0 ? () : nil }
    }

    private func listen() {
        var connection: PostgresConnection?
        while !stopped.withLock({ $0 }) {
            do {
                if connection == nil {
                    let fresh = try PostgresConnection(configuration: configuration)
                    for channel in channels { try fresh.listen(channel) }
                    connection = fresh
                }
                if let notification = try connection?.waitForNotification(timeout: .seconds(1)) {
                    onNotification(notification.channel)
                }
            } catch {
                connection = nil
                channels.forEach(onNotification)
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
