import Foundation

// Shared by ReelStorage (libcurl, file system) and ReelMedia (libav).

/// Dedicated threads for blocking work (libcurl transfers, file system
/// calls), so it never runs on Swift's cooperative pool. Up to `limit`
/// threads are started on demand and exit after `idleSeconds` without work;
/// jobs queue in FIFO order beyond that.
public final class BlockingThreads: Sendable {
    private typealias Job = @Sendable () -> Void

    private struct State: Sendable {
        var queue: [Job] = []
        var threads = 0
        var busy = 0
    }

    private let name: String
    private let limit: Int
    private let idleSeconds: TimeInterval
    private let state = LockedBox(State())

    public init(name: String, limit: Int, idleSeconds: TimeInterval = 10) {
        self.name = name
        self.limit = max(limit, 1)
        self.idleSeconds = idleSeconds
    }

    /// Runs `body` on one of the threads and returns its result. Cancelling
    /// the calling task does not interrupt `body`.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Queues `job` on one of the threads (for callers that resume their own
    /// continuation).
    public func submit(_ job: @escaping @Sendable () -> Void) {
        let startThread = state.withLockWakingWaiters { state -> Bool in
            state.queue.append(job)
            let free = state.threads - state.busy
            guard free < state.queue.count, state.threads < limit else { return false }
            state.threads += 1
            return true
        }
        guard startThread else { return }
        let thread = Thread { [state, idleSeconds, name] in
            // Named from inside: Foundation on Linux ignores a name set before start().
            Thread.current.name = name
            while let job = state.wait(
                for: { state -> Job?? in
                    guard !state.queue.isEmpty else { return nil }
                    state.busy += 1
                    return .some(state.queue.removeFirst())
                },
                timeout: idleSeconds,
                onTimeout: { state -> Job? in
                    if !state.queue.isEmpty {
                        state.busy += 1
                        return state.queue.removeFirst()
                    }
                    state.threads -= 1
                    return nil
                }
            ) {
                job()
                state.withLock { $0.busy -= 1 }
            }
        }
        thread.start()
    }
}
