import ReelPluginKit

/// `reel_login_*` (README, "Plugin metrics"): every login attempt ends in
/// exactly one of succeeded, failed (wrong credentials, a disabled account)
/// or throttled (locked out before any password was checked).
struct LoginMetrics: Sendable {
    let succeeded: CounterMetric
    let failed: CounterMetric
    let throttled: CounterMetric

    init(_ metrics: PluginMetrics) {
        succeeded = metrics.counter("reel_login_succeeded_total", help: "Logins that issued a token pair")
        failed = metrics.counter("reel_login_failed_total", help: "Logins refused for wrong credentials or a disabled account")
        throttled = metrics.counter("reel_login_throttled_total", help: "Logins refused by the per-account or per-address throttle")
    }

    func counting(_ login: () async throws -> [UInt8]) async throws -> [UInt8] {
        do {
            let tokens = try await login()
            succeeded.increment()
            return tokens
        } catch let error as PluginError {
            switch error.status {
            case .unauthenticated: failed.increment()
            case .resourceExhausted: throttled.increment()
            default: break  // a malformed request or the database away: not an attempt
            }
            throw error
        }
    }
}
