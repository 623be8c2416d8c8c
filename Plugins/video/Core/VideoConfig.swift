import Foundation
import ReelPluginKit

/// The video plugin's settings, read once at start through `host.config`.
public struct VideoConfig: Sendable, Equatable {
    /// Where partial uploads live: `REEL_VIDEO_UPLOADS_DIR`, else
    /// `$REEL_DATA_DIR/uploads`. Gateways behind one load balancer share it
    /// (one folder, or a shared volume), so any of them takes the next PATCH.
    public var uploadsDirectory: String
    /// Largest upload accepted (tus `Tus-Max-Size`): `REEL_MAX_UPLOAD_BYTES`, 10 GiB.
    public var maxUploadBytes: Int64 = 10 << 30
    /// How long an unfinished upload may take: `REEL_UPLOAD_EXPIRY_SECONDS`, 24 h.
    public var uploadExpirySeconds: Int = 24 * 3600
    /// How often expired uploads are swept: `REEL_UPLOAD_SWEEP_SECONDS`, 60 s.
    public var sweepSeconds: Int = 60
    /// How often the transcode outbox is polled: `REEL_VIDEO_OUTBOX_POLL_SECONDS`, 5 s.
    public var outboxPollSeconds: Int = 5
    /// How long first pages and public videos may be answered from memory
    /// (CatalogCache; any change to the catalog, but a view count, drops them at once):
    /// `REEL_VIDEO_CATALOG_CACHE_SECONDS`, 10; 0 turns the cache off.
    public var catalogCacheSeconds: Int = 10
    /// Prefix of posterUrl/hlsUrl/dashUrl, followed by the storage key:
    /// `REEL_MEDIA_BASE_URL`, "/media/".
    public var mediaBaseURL: String = "/media/"
    /// Signed URLs, the access cache and S3 delivery (REEL_MEDIA_*).
    var media = MediaSettings()
    /// Per-user quotas and the free-space reserve (REEL_VIDEO_QUOTA_BYTES,
    /// REEL_VIDEO_DAILY_QUOTA_BYTES, REEL_UPLOAD_DISK_RESERVE_BYTES; -1 unlimited).
    public var uploadLimits = UploadLimits()

    public init(uploadsDirectory: String) { self.uploadsDirectory = uploadsDirectory }

    /// Reads every key; a value that is not a positive number is refused.
    public init(_ lookup: (String) -> String?) throws(PluginError) {
        let dataDir = lookup("REEL_DATA_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? "./.reel"
        let uploads = lookup("REEL_VIDEO_UPLOADS_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? dataDir + "/uploads"
        self.init(uploadsDirectory: uploads)
        func positive(_ key: String, _ fallback: Int64) throws(PluginError) -> Int64 {
            try PluginConfig.positive(key, default: fallback, from: lookup)
        }
        maxUploadBytes = try positive("REEL_MAX_UPLOAD_BYTES", maxUploadBytes)
        uploadExpirySeconds = Int(try positive("REEL_UPLOAD_EXPIRY_SECONDS", Int64(uploadExpirySeconds)))
        sweepSeconds = Int(try positive("REEL_UPLOAD_SWEEP_SECONDS", Int64(sweepSeconds)))
        outboxPollSeconds = Int(try positive("REEL_VIDEO_OUTBOX_POLL_SECONDS", Int64(outboxPollSeconds)))
        func limit(_ key: String, _ fallback: Int64) throws(PluginError) -> Int64 {
            guard let text = lookup(key) else { return fallback }
            guard let value = Int64(text.trimmingCharacters(in: .whitespaces)), value >= -1 else {
                throw .failedPrecondition("\(key) must be a number of bytes (0 or more) or -1 (unlimited), "
                                          + "not \(text.debugDescription)")
            }
            return value
        }
        uploadLimits.quotaBytes = try limit("REEL_VIDEO_QUOTA_BYTES", uploadLimits.quotaBytes)
        uploadLimits.dailyQuotaBytes = try limit("REEL_VIDEO_DAILY_QUOTA_BYTES", uploadLimits.dailyQuotaBytes)
        uploadLimits.diskReserveBytes = try limit("REEL_UPLOAD_DISK_RESERVE_BYTES", uploadLimits.diskReserveBytes)
        if let text = lookup("REEL_VIDEO_CATALOG_CACHE_SECONDS") {
            guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), (0...3600).contains(seconds) else {
                throw .failedPrecondition("REEL_VIDEO_CATALOG_CACHE_SECONDS must be between 0 and 3600, not \(text.debugDescription)")
            }
            catalogCacheSeconds = seconds
        }
        if let base = lookup("REEL_MEDIA_BASE_URL"), !base.isEmpty {
            mediaBaseURL = base.hasSuffix("/") ? base : base + "/"
        }
        media.urlTTLSeconds = Int(try positive("REEL_MEDIA_URL_TTL_SECONDS", Int64(media.urlTTLSeconds)))
        media.presignSeconds = Int(try positive("REEL_MEDIA_S3_PRESIGN_SECONDS", Int64(media.presignSeconds)))
        guard media.presignSeconds <= 604_800 else {
            throw .failedPrecondition("REEL_MEDIA_S3_PRESIGN_SECONDS must be at most 604800 (7 days, S3's limit)")
        }
        if let text = lookup("REEL_MEDIA_ACCESS_CACHE_SECONDS") {
            guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 else {
                throw .failedPrecondition("REEL_MEDIA_ACCESS_CACHE_SECONDS must be 0 or more, not \(text.debugDescription)")
            }
            media.accessCacheSeconds = seconds
        }
        if let text = lookup("REEL_MEDIA_S3_DELIVERY"), !text.isEmpty {
            guard let mode = MediaSettings.S3Delivery(rawValue: text.lowercased()) else {
                throw .failedPrecondition("REEL_MEDIA_S3_DELIVERY must be proxy or redirect, not \(text.debugDescription)")
            }
            media.s3Delivery = mode
        }
    }

    /// The public URL of a stored object (nil key: nil URL).
    func mediaURL(_ key: String?) -> String? {
        key.map { mediaBaseURL + $0 }
    }
}
