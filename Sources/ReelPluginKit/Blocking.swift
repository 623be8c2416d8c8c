import Foundation

/// Runs async work to completion from a host thread that may block (init,
/// shutdown, the plugin's own event queue) — never from a cooperative thread.
enum Blocking {
    @discardableResult
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task {
            box.value = await body()
            done.signal()
        }
        done.wait()
        guard let value = box.value else { preconditionFailure("Blocking.run finished without a value") }
        return value
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T? // written once before the semaphore is signalled, read after
    }
}
