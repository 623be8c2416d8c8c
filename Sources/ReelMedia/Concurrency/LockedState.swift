import Foundation

/// ReelMedia's one `@unchecked Sendable` wrapper: `value` is only reachable
/// through `withLock`, which holds `lock` for the whole access.
final class LockedState<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
