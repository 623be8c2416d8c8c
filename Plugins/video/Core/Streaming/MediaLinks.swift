/// The media URLs the API answers: REEL_MEDIA_BASE_URL + storage key for
/// videos open to everyone (ready, public or unlisted); for the others
/// (private, or not ready yet), which only their owner and admins are shown,
/// a signed URL: base + "s/<expires>/<signature>/" + key.
///
/// Expiry: REEL_MEDIA_URL_TTL_SECONDS plus the video's duration (so that a
/// viewer who starts at the last moment can finish), rounded up to the next
/// 5 minutes so that repeated calls answer the same URLs (cache-friendly).
struct MediaLinks: Sendable {
    let baseURL: String
    let signer: MediaSigner
    let ttlSeconds: Int
    static let roundingSeconds: Int64 = 300

    func url(_ key: String?, of video: Video) -> String? {
        url(key, videoId: video.id, access: MediaAccessCache.Access((video.visibility, video.state)),
            durationSeconds: video.durationSeconds)
    }

    func url(_ key: String?, videoId: String, access: MediaAccessCache.Access, durationSeconds: Double?,
             now: Int64 = MediaDelivery.now()) -> String? {
        guard let key else { return nil }
        // Only keys inside the video's folder can be signed (the signature covers that folder).
        guard access != .open, key.hasPrefix(MediaFile.folder(of: videoId)) else { return baseURL + key }
        let expires = Self.expiry(now: now, ttlSeconds: ttlSeconds, durationSeconds: durationSeconds)
        return baseURL + signer.prefix(videoId: videoId, expires: expires) + key
    }

    static func expiry(now: Int64, ttlSeconds: Int, durationSeconds: Double?) -> Int64 {
        let duration = durationSeconds.flatMap { $0.isFinite && $0 > 0 ? Int64(min($0, 1e7).rounded(.up)) : nil } ?? 0
        let earliest = now + Int64(ttlSeconds) + duration
        return (earliest + roundingSeconds - 1) / roundingSeconds * roundingSeconds
    }
}
