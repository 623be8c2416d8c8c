/// `Cache-Control` of a media answer.
///
/// | file | open video | signed URL |
/// | --- | --- | --- |
/// | segments, init segments, poster, thumbnails | `public, max-age=31536000, immutable` | `private`, max-age up to the URL's expiry |
/// | media playlist still growing (no `#EXT-X-ENDLIST`), master playlist | `no-cache` (revalidated with the ETag) | `private, no-cache` |
/// | finished media playlist, DASH manifest | `public, max-age=60` | `private`, up to 60 s |
///
/// Every file lives under its transcode attempt's own prefix, so the media
/// files there never change; a media playlist grows until `#EXT-X-ENDLIST`;
/// the master playlist is rewritten once when the transcode ends (measured
/// bandwidths), so it is always revalidated.
enum MediaCachePolicy {
    static let immutableSeconds: Int64 = 31_536_000
    static let playlistSeconds: Int64 = 60

    enum Grant: Sendable, Equatable {
        /// A public or unlisted, ready video.
        case open
        /// A signed URL, valid until this time (seconds since 1970).
        case signed(until: Int64)
    }

    static func header(kind: MediaFile.Kind, growing: Bool, grant: Grant, now: Int64) -> String {
        // An open video's answers are fixed texts (no formatting per request).
        if grant == .open {
            if kind.isImmutable { return "public, max-age=31536000, immutable" }
            return kind != .masterPlaylist && !growing ? "public, max-age=60" : "public, no-cache"
        }
        let scope: String
        var limit = Int64.max
        switch grant {
        case .open: scope = "public"
        case .signed(let until):
            scope = "private"
            limit = until - now
        }
        let seconds: Int64
        if kind.isImmutable {
            seconds = min(immutableSeconds, limit)
            if seconds > 0 { return "\(scope), max-age=\(seconds), immutable" }
        } else if kind != .masterPlaylist && !growing {
            seconds = min(playlistSeconds, limit)
            if seconds > 0 { return "\(scope), max-age=\(seconds)" }
        }
        return "\(scope), no-cache"
    }
}
