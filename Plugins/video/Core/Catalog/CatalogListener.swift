import Foundation
import ReelPostgres

/// LISTENs on `CatalogCache.channel` on a connection and thread of its own
/// and tells the cache about every change to `video.videos` any host made
/// (the table's statement trigger sends the NOTIFY). While it is not
/// listening (before the first LISTEN, after a broken connection) the cache
/// keeps nothing; after a reconnect it starts afresh.
final class CatalogListener: @unchecked Sendable {
    // @unchecked: `stopped` is guarded by `lock`; the rest is immutable.
    private let configuration: PostgresConfiguration
    private let cache: CatalogCache
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    init(configuration: PostgresConfiguration, cache: CatalogCache) {
        self.configuration = configuration
        self.cache = cache
    }

    func start() {
        let thread = Thread { [self] in
            listen()
            cache.setListening(false)
            finished.signal()
        }
        thread.name = "reel-video-catalog"
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
        while !isStopped {
            do {
                if connection == nil {
                    let fresh = try PostgresConnection(configuration: configuration)
                    try fresh.listen(CatalogCache.channel)
                    connection = fresh
                    cache.setListening(true)
                }
                if try connection?.waitForNotification(timeout: .seconds(1)) != nil {
                    cache.changed()
                }
            } catch {
                connection = nil
                cache.setListening(false)
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
