/// `Cache-Control` of a public JSON method's answer to an anonymous caller:
/// `no-cache` (any cache may store it, revalidating every time), or, when
/// its .proto sets `reel.host.v1.shared_cache_seconds` N, `public,
/// max-age=0, s-maxage=N`: browsers still revalidate every time, a shared
/// cache (the gateway's own, ResponseCache) may answer it for N seconds.
enum JSONRouteCaching {
    static func anonymousCacheControl(_ method: MethodInfo) -> String {
        let seconds = method.sharedCacheSeconds
        guard seconds > 0 else { return "no-cache" }
        return seconds < texts.count ? texts[seconds] : text(seconds)
    }

    /// Made once (every anonymous GET of such a method comes here).
    private static let texts = (0..<61).map(text)

    private static func text(_ seconds: Int) -> String { "public, max-age=0, s-maxage=\(seconds)" }
}
