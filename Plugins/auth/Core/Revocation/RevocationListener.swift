import Foundation
import ReelPostgres

/// LISTENs for the cut-offs any host made on this database (RevocationStore's
/// channel), on a connection and thread of its own, and hands each to
/// `deliver`. After a broken connection it reconnects and calls `resync`
/// (notifications sent meanwhile are lost; the table is not).
final class RevocationListener: @unchecked Sendable {
    // @unchecked: `stopped` is guarded by `lock`; the rest is immutable.
    private let configuration: PostgresConfiguration
    private let deliver: @Sendable (Revocation) -> Void
    private let resync: @Sendable () -> Void
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    init(configuration: PostgresConfiguration, deliver: @escaping @Sendable (Revocation) -> Void,
         resync: @escaping @Sendable () -> Void) {
        self.configuration = configuration
        self.deliver = deliver
        self.resync = resync
    }

    func start() {
        let thread = Thread { [self] in
            listen()
            finished.signal()
        }
        thread.name = "reel-auth-revocations"
        thread.start()
    }

    /// Stops the thread (within about a second) and waits for it.
    func stop() {
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
                    try fresh.listen(RevocationStore.channel)
                    connection = fresh
                    if broken { resync() }
                }
                if let notification = try connection?.waitForNotification(timeout: .seconds(1)),
                   let revocation = RevocationStore.parse(notification.payload) {
                    deliver(revocation)
                }
            } catch {
                connection = nil
                broken = true
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
