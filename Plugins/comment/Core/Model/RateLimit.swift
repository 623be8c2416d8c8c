/// A sliding-window limit: at most `count` comments per `windowSeconds` per
/// user. Given the times of the user's comments in the last window, it says
/// whether one more may go now, or how long to wait.
public struct RateLimit: Sendable, Equatable {
    public var count: Int
    public var windowSeconds: Double

    public init(count: Int, windowSeconds: Double = 60) {
        self.count = count
        self.windowSeconds = windowSeconds
    }

    public enum Decision: Equatable, Sendable {
        case allow
        /// Whole seconds until the oldest comment of the window leaves it (at least 1).
        case retryAfter(Int)
    }

    /// `recent`: times (seconds) of the user's comments; older ones are ignored.
    public func decide(recent: [Double], now: Double) -> Decision {
        let inWindow = recent.filter { $0 > now - windowSeconds }.sorted()
        guard inWindow.count >= count, count > 0 else { return .allow }
        // The comment that must leave the window before one more fits.
        let leaving = inWindow[inWindow.count - count]
        let wait = leaving + windowSeconds - now
        return .retryAfter(max(1, Int(wait.rounded(.up))))
    }
}
