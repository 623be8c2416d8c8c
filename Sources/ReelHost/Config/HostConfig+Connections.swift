extension HostConfig {
    /// Connections one client address may hold at once, under
    /// `connectionLimit`: `REEL_CONNECTIONS_PER_ADDRESS` (default 256; 0: no cap).
    public var connectionsPerAddress: Int { Self.count(environment["REEL_CONNECTIONS_PER_ADDRESS"], default: 256) }

    /// Seconds a new connection has to send its complete request headers:
    /// `REEL_HEADER_TIMEOUT_SECONDS` (default 10; 0: no deadline).
    public var headerTimeoutSeconds: Int { Self.count(environment["REEL_HEADER_TIMEOUT_SECONDS"], default: 10) }

    /// A non-negative whole number, or `default` when unset or unusable.
    private static func count(_ text: String?, default fallback: Int) -> Int {
        guard let text, let value = Int(text), value >= 0 else { return fallback }
        return value
    }
}
