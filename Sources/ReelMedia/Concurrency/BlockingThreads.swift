import Foundation

/// Runs blocking work (libav calls) on its own threads, never on Swift's
/// cooperative pool. At most `maxThreads` run at once; further jobs wait in
/// FIFO order. Threads are started on demand and exit as soon as the queue is
/// empty, so an idle process (or a retired plugin) keeps none.
final class BlockingThreads: Sendable {
    typealias Job = @Sendable () -> Void

    /// Probes read whole files and decode a frame: about one core each.
    static let media = BlockingThreads(name: "reel-media", maxThreads: 2)

    private struct State: Sendable {
        var queue: [Job] = []
        var running = 0
    }

    private let name: String
    private let maxThreads: Int
    private let state = LockedState(State())

    init(name: String, maxThreads: Int) {
        self.name = name
        self.maxThreads = max(1, maxThreads)
    }

    /// Queues `job`; it runs on one of this pool's threads.
    func submit(_ job: @escaping Job) {
        let startThread = state.withLock { state -> Bool in
            state.queue.append(job)
            guard state.running < maxThreads else { return false }
            state.running += 1
            return true
        }
        guard startThread else { return }
        let thread = Thread { [self] in
            Thread.current.name = name
            while let job = nextJob() { job() }
        }
        thread.start()
    }

    /// The next queued job, or nil after marking this thread as finished.
    private func nextJob() -> Job? {
        state.withLock { state in
            if state.queue.isEmpty {
                state.running -= 1
                return nil
            }
            return state.queue.removeFirst()
        }
    }
}
