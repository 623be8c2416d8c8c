import Foundation

/// Reel's shared `@unchecked Sendable` wrapper (ReelPostgres, ReelStorage,
/// ReelMedia). `value` is only reachable
/// through `condition`'s lock (every method takes it), which is what makes
/// sharing the box between threads safe. Worker threads also sleep on the
/// condition (`wait(for:timeout:)`) until work arrives.
public final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        condition.lock()
        defer { condition.unlock() }
        return try body(&value)
    }

    /// Like `withLock`, then wakes every thread waiting in `wait(for:timeout:)`.
    public func withLockWakingWaiters<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return try body(&value)
    }

    /// Blocks the calling thread until `body` returns a value (it runs under
    /// the lock each time the box is changed through `withLockWakingWaiters`).
    public func wait<Result>(for body: (inout Value) -> Result?) -> Result {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let result = body(&value) { return result }
            condition.wait()
        }
    }

    /// Blocks the calling thread until `body` returns a value (it runs under
    /// the lock each time the box is changed through `withLockWakingWaiters`)
    /// or until `timeout` passes, when `onTimeout` decides under the lock.
    public func wait<Result>(
        for body: (inout Value) -> Result?,
        timeout: TimeInterval,
        onTimeout: (inout Value) -> Result
    ) -> Result {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if let result = body(&value) { return result }
            if !condition.wait(until: deadline) { return onTimeout(&value) }
        }
    }
}
