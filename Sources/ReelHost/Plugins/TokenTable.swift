import Foundation

/// Objects handed to plugins as opaque tokens (`reel_reply *`,
/// `reel_http_exchange *`): a token is a key into this table, never a
/// pointer, so a plugin that answers twice or with garbage finds nothing
/// instead of crashing the host.
final class TokenTable<Value: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [UInt: Value] = [:]
    private var next: UInt = 1

    /// A new token for `value` (never 0, never reused).
    func register(_ value: Value) -> UInt {
        lock.withLock {
            let token = next
            next += 1
            values[token] = value
            return token
        }
    }

    func find(_ token: UInt) -> Value? { lock.withLock { values[token] } }

    @discardableResult
    func remove(_ token: UInt) -> Value? { lock.withLock { values.removeValue(forKey: token) } }

    /// Runs `body` on the token's value under the table's lock.
    func withValue<R>(_ token: UInt, _ body: (Value) -> R?) -> R? {
        lock.withLock { values[token].flatMap(body) }
    }

    var count: Int { lock.withLock { values.count } }
}
