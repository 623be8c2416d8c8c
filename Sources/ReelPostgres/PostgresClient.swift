import Foundation
import ReelConcurrency

/// A Sendable handle on a small pool of connections for async code. Each
/// call runs on one of the pool's own threads (libpq blocks) and resumes the
/// caller through a continuation. Queued calls whose task is cancelled are
/// dropped with `CancellationError`; a call that has started runs to the end.
public final class PostgresClient: Sendable {
    public let configuration: PostgresConfiguration
    public let poolSize: Int
    private let pool: PostgresWorkerPool

    public convenience init(url: String, poolSize: Int = 4) {
        self.init(configuration: PostgresConfiguration(url: url), poolSize: poolSize)
    }

    /// Connections are opened on first use, so this never fails; see `ping()`.
    public init(configuration: PostgresConfiguration, poolSize: Int = 4) {
        self.configuration = configuration
        self.poolSize = max(poolSize, 1)
        pool = PostgresWorkerPool(configuration: configuration, size: self.poolSize)
    }

    deinit {
        pool.close()
    }

    /// Lets queued work finish, then closes the connections. Later calls
    /// throw `PostgresError` `.clientClosed`.
    public func close() {
        pool.close()
    }

    /// Runs `body` on a pool thread with that thread's connection. The
    /// connection is handed back tidy: an open transaction is rolled back.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let id = pool.makeID()
        defer { pool.forget(id: id) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let job = PostgresWorkerPool.Job(
                    id: id,
                    run: { worker in
                        let result = Result { () throws -> T in try body(try worker.get()) }
                        worker.tidy()
                        // A plugin handler (ResumeInlineExecutor) goes on here, on this thread.
                        ResumeInlineExecutor.resuming { continuation.resume(with: result) }
                    },
                    cancel: { continuation.resume(throwing: CancellationError()) })
                switch pool.submit(job) {
                case .queued:
                    break
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                case .closed:
                    continuation.resume(throwing: PostgresError(kind: .clientClosed, message: "the client is closed"))
                }
            }
        } onCancel: {
            pool.cancel(id: id)
        }
    }

    /// `body` inside BEGIN … COMMIT on one connection; rolled back if it throws.
    public func withTransaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await withConnection { connection in try connection.withTransaction(body) }
    }

    @discardableResult
    public func query(_ sql: String, _ params: [PostgresValue?] = []) async throws -> PostgresRows {
        try await withConnection { connection in try connection.query(sql, params) }
    }

    /// A script of `;`-separated statements without parameters.
    @discardableResult
    public func execute(_ sql: String) async throws -> PostgresRows {
        try await withConnection { connection in try connection.execute(sql) }
    }

    public func notify(_ channel: String, payload: String = "") async throws {
        try await withConnection { connection in try connection.notify(channel, payload: payload) }
    }

    /// Readiness check: a fresh connection (not from the pool, so a busy pool
    /// does not fail it) with a short connect timeout runs `SELECT 1`, on a
    /// thread of its own.
    public func ping(connectTimeout seconds: Int = 2) async -> Bool {
        var configuration = configuration
        configuration.connectTimeout = seconds
        return await withCheckedContinuation { [configuration] continuation in
            let thread = Thread {
                Thread.current.name = "reel-pg-ping"
                let ok: Bool
                do {
                    let connection = try PostgresConnection(configuration: configuration)
                    ok = try connection.query("SELECT 1 AS one").first?.int("one") == 1
                } catch {
                    ok = false
                }
                continuation.resume(returning: ok)
            }
            thread.start()
        }
    }
}
