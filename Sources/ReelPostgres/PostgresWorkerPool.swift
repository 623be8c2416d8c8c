import ReelConcurrency
import Foundation

/// `size` threads, each owning one connection (opened on first use), taking
/// jobs from one FIFO queue. libpq blocks, so its calls never run on the
/// caller's thread or on Swift's cooperative pool. A connection never leaves
/// its thread: jobs receive it as an argument.
final class PostgresWorkerPool: Sendable {
    struct Job: Sendable {
        let id: UInt64
        /// Runs on a worker thread with that thread's connection holder.
        let run: @Sendable (PostgresWorkerConnection) -> Void
        /// Called instead of `run` if the job is cancelled while queued.
        let cancel: @Sendable () -> Void
    }

    enum Submission {
        case queued, closed, cancelled
    }

    private struct State: Sendable {
        var queue: [Job] = []
        var nextID: UInt64 = 0
        var isClosed = false
        /// Cancelled before they were submitted (the cancel handler can run
        /// first); cleared by `forget(id:)`.
        var cancelledEarly: Set<UInt64> = []
    }

    private let state = LockedBox(State())

    init(configuration: PostgresConfiguration, size: Int) {
        for index in 0..<max(size, 1) {
            let thread = Thread { [state] in
                // For debuggers, best effort: on Linux a name set before start()
                // is not applied, and the kernel keeps only 15 bytes.
                Thread.current.name = "reel-pg-\(index)"
                let connection = PostgresWorkerConnection(configuration: configuration)
                // Drains the queue after close, then exits.
                while let job = state.wait(for: { state -> Job?? in
                    if !state.queue.isEmpty { return .some(state.queue.removeFirst()) }
                    return state.isClosed ? .some(nil) : nil
                }) {
                    job.run(connection)
                }
                connection.close()
            }
            thread.start()
        }
    }

    /// A fresh id for `submit` and `cancel`.
    func makeID() -> UInt64 {
        state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
    }

    /// Queues `job` unless the pool is closed or the job was already cancelled.
    func submit(_ job: Job) -> Submission {
        state.withLockWakingWaiters { state in
            if state.isClosed { return .closed }
            if state.cancelledEarly.contains(job.id) { return .cancelled }
            state.queue.append(job)
            return .queued
        }
    }

    /// Removes a job that has not started yet and calls its `cancel`; a job
    /// not submitted yet will be refused by `submit`.
    func cancel(id: UInt64) {
        let job: Job? = state.withLock { state in
            guard let index = state.queue.firstIndex(where: { $0.id == id }) else {
                state.cancelledEarly.insert(id)
                return nil
            }
            return state.queue.remove(at: index)
        }
        job?.cancel()
    }

    /// Drops what `cancel` remembered about a finished call.
    func forget(id: UInt64) {
        state.withLock { _ = $0.cancelledEarly.remove(id) }
    }

    /// Queued jobs still run; then the threads close their connections and exit.
    func close() {
        state.withLockWakingWaiters { $0.isClosed = true }
    }
}

/// A worker thread's connection: opened lazily, tidied after every job.
final class PostgresWorkerConnection {
    private let configuration: PostgresConfiguration
    private var connection: PostgresConnection?

    init(configuration: PostgresConfiguration) {
        self.configuration = configuration
    }

    func get() throws(PostgresError) -> PostgresConnection {
        if let connection { return connection }
        let opened = try PostgresConnection(configuration: configuration)
        connection = opened
        return opened
    }

    /// Leaves the session as a pooled connection should be: no open
    /// transaction (a body that threw mid-transaction), no LISTEN.
    func tidy() {
        guard let connection, connection.isConnected else { return }
        connection.rollbackQuietly()
        if !connection.listeningChannels.isEmpty {
            _ = try? connection.unlistenAll()
        }
    }

    func close() {
        connection = nil
    }
}
