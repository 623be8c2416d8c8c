extension HostConfig {
    /// The gateway's shared cache of public answers (ResponseCache):
    /// `REEL_GATEWAY_CACHE_SECONDS` (default 5; 0 turns it off) bounds how
    /// long any answer is kept, whatever its max-age says — it is the
    /// staleness a change missed by every purge could show, as nginx's
    /// micro-caching setups use 1–10 s; `REEL_GATEWAY_CACHE_ENTRIES`
    /// (1024) and `REEL_GATEWAY_CACHE_MB` (32) bound its memory.
    var responseCacheLimits: ResponseCache.Limits {
        ResponseCache.Limits(seconds: Self.whole(environment["REEL_GATEWAY_CACHE_SECONDS"], default: 5),
                             maxEntries: Self.whole(environment["REEL_GATEWAY_CACHE_ENTRIES"], default: 1024),
                             maxBytes: Self.whole(environment["REEL_GATEWAY_CACHE_MB"], default: 32) << 20)
    }

    private static func whole(_ text: String?, default fallback: Int) -> Int {
        guard let text, let value = Int(text), value >= 0, value < 1 << 30 else { return fallback }
        return value
    }
}
