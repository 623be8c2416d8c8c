import Foundation
import ReelConcurrency

/// A plugin's background loop (an outbox, a reporter): runs a round every
/// `interval` seconds, or at once after `wake()`, until its task is
/// cancelled. Written once here; the plugin owns the task and cancels it in
/// `stop`.
public final class PollingLoop: Sendable {
    private let interval: Duration
    private let step: Duration
    private let woken = LockedBox(false)

    /// - Parameters: `seconds` between rounds; wake-ups and cancellation are
    ///   seen within `step` (a short sleep, not a busy loop).
    public init(everySeconds seconds: Double, step: Duration = .milliseconds(100)) {
        self.interval = .milliseconds(Int64(max(seconds, 0) * 1000))
        self.step = step
    }

    /// Asks for a round now (new work was just recorded).
    public func wake() { woken.withLock { $0 = true } }

    /// Runs `round`, then waits for the interval or a wake-up; returns once
    /// the calling task is cancelled.
    public func run(_ round: @Sendable () async -> Void) async {
        while !Task.isCancelled {
            await round()
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: interval)
            while clock.now < deadline {
                if Task.isCancelled || woken.withLock({ w in defer { w = false }; return w }) { break }
                try? await Task.sleep(for: step)
            }
        }
    }
}
