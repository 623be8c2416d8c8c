import Foundation

/// Dedicated threads for blocking work (libcurl transfers, file system
/// calls), so it never runs on Swift's cooperative pool. Up to `limit`
/// threads are started on demand and exit after `idleSeconds` without work;
/// jobs queue in FIFO order beyond that.
final class BlockingThreads: Sendable {
    private struct State: Sendable {
        var queue: [@Sendable () -> Void] = []
        var threads = 0
        var busy = 0
    }

    private let name: String
    private let limit: Int
    private let idleSeconds: TimeInterval
    private let state = LockedBox(State())

    init(name: String, limit: Int, idleSeconds: TimeInterval = 10) {
        self.name = name
        self.limit = max(limit, 1)
        self.idleSeconds = idleSeconds
    }

    /// Runs `body` on one of the threads and returns its result. Cancelling
    /// the calling task does not interrupt `body`.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        let startThread = state.withLockWakingWaiters { state -> Bool in
            state.queue.append(job)
            let free = state.threads - state.busy
            guard free < state.queue.count, state.threads < limit else { return false }
            state.threads += 1
            return true
        }
        guard startThread else { return }
        let thread = Thread { [state, idleSeconds] in
            while let job = state.wait(
                for: { state -> (@Sendable () -> Void)?? in
                    guard !state.queue.isEmpty else { return nil }
                    state.busy += 1
                    return .some(state.queue.removeFirst())
                },
                timeout: idleSeconds,
                onTimeout: { state in
                    if !state.queue.isEmpty {
                        state.busy += 1
                        return .some(state.queue.removeFirst())
                    }
                    state.threads -= 1
                    return .some(nil)
                }
            ) {
                job()
                state.withLock { $0.busy -= 1 }
            }
        }
        thread.name = name
        thread.start()
    }
}
