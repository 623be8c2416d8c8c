import Foundation
import ReelPluginKit

/// The auth plugin's settings, read once at start through `host.config`
/// (the host's environment).
public struct AuthConfig: Sendable, Equatable {
    /// Lifetime of an access token (JWT `exp - iat`): `REEL_AUTH_ACCESS_TTL_SECONDS`.
    public var accessTokenSeconds: Int = 15 * 60
    /// Lifetime of a refresh token, renewed by each rotation: `REEL_AUTH_REFRESH_TTL_SECONDS`.
    public var refreshTokenSeconds: Int = 30 * 24 * 3600
    /// Login throttling; see `Backoff`.
    public var backoff = Backoff()
    /// Registrations per client address; see `RegistrationLimit`.
    public var registration = RegistrationLimit()

    public init() {}

    /// Reads every key; a value that is not a positive number is refused
    /// (a typo must not silently disable the lockout).
    public init(_ lookup: (String) -> String?) throws(PluginError) {
        func seconds(_ key: String, _ fallback: Int) throws(PluginError) -> Int {
            try PluginConfig.positive(key, default: fallback, from: lookup)
        }
        accessTokenSeconds = try seconds("REEL_AUTH_ACCESS_TTL_SECONDS", accessTokenSeconds)
        refreshTokenSeconds = try seconds("REEL_AUTH_REFRESH_TTL_SECONDS", refreshTokenSeconds)
        backoff.baseSeconds = try seconds("REEL_AUTH_LOCKOUT_BASE_SECONDS", backoff.baseSeconds)
        backoff.maxSeconds = try seconds("REEL_AUTH_LOCKOUT_MAX_SECONDS", backoff.maxSeconds)
        backoff.threshold = try seconds("REEL_AUTH_LOCKOUT_THRESHOLD", backoff.threshold)
        registration.perAddress = try seconds("REEL_AUTH_REGISTER_LIMIT", registration.perAddress)
        registration.windowSeconds = try seconds("REEL_AUTH_REGISTER_WINDOW_SECONDS", registration.windowSeconds)
    }
}

/// Exponential lockout after repeated login failures: once a key (an account
/// or a client address) has `threshold` consecutive failures, each further
/// failure locks it for `base * 2^(failures - threshold)` seconds, at most `max`.
public struct Backoff: Sendable, Equatable {
    public var threshold = 5
    public var baseSeconds = 1
    public var maxSeconds = 15 * 60

    public init() {}

    /// Seconds to lock a key after its `failures`-th consecutive failure (0: not locked).
    public func lockSeconds(afterFailures failures: Int) -> Int {
        guard failures >= threshold else { return 0 }
        let exponent = min(failures - threshold, 30)  // 2^30 s already exceeds any sane cap
        let (seconds, overflow) = baseSeconds.multipliedReportingOverflow(by: 1 << exponent)
        return overflow ? maxSeconds : min(seconds, maxSeconds)
    }
}

/// At most `perAddress` registration attempts from one client address in a
/// window of `windowSeconds`; more answer 429 until the window ends.
public struct RegistrationLimit: Sendable, Equatable {
    public var perAddress = 5
    public var windowSeconds = 10 * 60

    public init() {}
}
