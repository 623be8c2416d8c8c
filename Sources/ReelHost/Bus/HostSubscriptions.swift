import Foundation

/// Topics the host itself listens to (e.g. the guard's `host.tokens.revoked`).
/// Handlers run synchronously inside `Bus.publish`, so what a plugin
/// publishes is in effect before its call returns: keep them short.
final class HostSubscriptions: @unchecked Sendable {
    // @unchecked: `handlers` is only touched under `lock`.
    private let lock = NSLock()
    private var handlers: [String: [@Sendable ([UInt8]) -> Void]] = [:]

    func subscribe(_ topic: String, _ handler: @escaping @Sendable ([UInt8]) -> Void) {
        lock.withLock { handlers[topic, default: []].append(handler) }
    }

    /// Runs the handlers of `topic`; returns how many there were.
    func deliver(topic: String, payload: [UInt8]) -> Int {
        let matching = lock.withLock { handlers[topic] ?? [] }
        matching.forEach { $0(payload) }
        return matching.count
    }
}
