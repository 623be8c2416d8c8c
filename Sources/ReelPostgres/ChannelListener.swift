import Foundation

/// LISTENs on one channel, on a connection and thread of its own, and hands
/// every notification to `notified`. A broken connection is retried every
/// second; notifications sent meanwhile are lost, so `listening(true)` after
/// a reconnect is the owner's cue to catch up (reread what it mirrors, or
/// drop what it cached). `lost` runs when listening stops: a broken
/// connection, or the end after `stop()`.
public final class ChannelListener: @unchecked Sendable {
    // @unchecked: `stopped` is guarded by `lock`; the rest is immutable.
    private let configuration: PostgresConfiguration
    private let channel: String
    private let threadName: String
    private let listening: @Sendable (_ reconnected: Bool) -> Void
    private let notified: @Sendable (PostgresNotification) -> Void
    private let lost: @Sendable () -> Void
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    public init(configuration: PostgresConfiguration, channel: String, threadName: String,
                listening: @escaping @Sendable (_ reconnected: Bool) -> Void = { _ in },
                notified: @escaping @Sendable (PostgresNotification) -> Void,
                lost: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.channel = channel
        self.threadName = threadName
        self.listening = listening
        self.notified = notified
        self.lost = lost
    }

    public func start() {
        let thread = Thread { [self] in
            listen()
            lost()
            finished.signal()
        }
        thread.name = threadName
        thread.start()
    }

    /// Stops the thread (within about a second) and waits for it. Only after `start()`.
    public func stop() {
        lock.withLock { stopped = true }
        finished.wait()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func listen() {
        var connection: PostgresConnection?
        var broken = false
        while !isStopped {
            do {
                if connection == nil {
                    let fresh = try PostgresConnection(configuration: configuration)
                    try fresh.listen(channel)
                    connection = fresh
                    listening(broken)
                }
                if let notification = try connection?.waitForNotification(timeout: .seconds(1)) {
                    notified(notification)
                }
            } catch {
                connection = nil
                broken = true
                lost()
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
