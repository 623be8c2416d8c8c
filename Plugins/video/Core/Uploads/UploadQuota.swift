import Foundation
import ReelPostgres

/// Per-user upload quotas and the free-space reserve, checked when an
/// upload is created against its declared Upload-Length (as PeerTube does),
/// before a byte is stored.
///
/// - total: bytes of the user's videos' sources plus the declared lengths of
///   their unfinished, unexpired uploads;
/// - daily: the same, for videos and uploads created in the last 24 hours;
/// - disk: the uploads folder's free space, minus the declared lengths of
///   every unfinished upload (conservative: bytes already written count
///   twice), must stay above the reserve after this upload.
///
/// A limit of -1 means unlimited.
public struct UploadLimits: Sendable, Equatable {
    /// `REEL_VIDEO_QUOTA_BYTES`, 50 GiB.
    public var quotaBytes: Int64 = 50 << 30
    /// `REEL_VIDEO_DAILY_QUOTA_BYTES`, 20 GiB.
    public var dailyQuotaBytes: Int64 = 20 << 30
    /// `REEL_UPLOAD_DISK_RESERVE_BYTES`, 1 GiB.
    public var diskReserveBytes: Int64 = 1 << 30

    public init() {}
}

enum UploadRefusal: Error, Equatable {
    /// 413 quota_exceeded
    case quota(String)
    /// 507 insufficient_storage
    case disk(String)
}

enum UploadQuota {
    struct Usage: Equatable {
        var total: Int64
        var today: Int64
        var pendingAll: Int64
    }

    /// Serialises creations of one owner (the caller's transaction holds it
    /// until commit), so concurrent creations cannot all pass the check.
    static func lock(_ c: PostgresConnection, owner: String) throws {
        try c.query("SELECT pg_advisory_xact_lock(hashtextextended('video.upload-quota:' || $1, 0))", [.string(owner)])
    }

    static func usage(_ c: PostgresConnection, owner: String) throws -> Usage {
        let rows = try c.query("""
            SELECT
              (SELECT coalesce(sum(source_size), 0) FROM video.videos WHERE owner_id = $1)::int8
              + (SELECT coalesce(sum(length), 0) FROM video.uploads
                 WHERE owner_id = $1 AND video_id IS NULL AND expires_at > now())::int8 AS total,
              (SELECT coalesce(sum(source_size), 0) FROM video.videos
                 WHERE owner_id = $1 AND created_at > now() - interval '24 hours')::int8
              + (SELECT coalesce(sum(length), 0) FROM video.uploads
                 WHERE owner_id = $1 AND video_id IS NULL AND expires_at > now()
                   AND created_at > now() - interval '24 hours')::int8 AS today,
              (SELECT coalesce(sum(length), 0) FROM video.uploads
                 WHERE video_id IS NULL AND expires_at > now())::int8 AS pending_all
            """, [.string(owner)])
        guard let row = rows.first, let total = try row.int64("total"), let today = try row.int64("today"),
              let pending = try row.int64("pending_all")
        else { throw PostgresError(kind: .typeMismatch, message: "upload usage query returned no row") }
        return Usage(total: total, today: today, pendingAll: pending)
    }

    /// Nil if `length` more bytes fit, else why not.
    static func refusal(length: Int64, usage: Usage, limits: UploadLimits, freeBytes: Int64?) -> UploadRefusal? {
        if limits.quotaBytes >= 0 && usage.total.addingReportingOverflow(length).partialValue > limits.quotaBytes {
            return .quota("this upload of \(length) bytes would exceed your upload quota of \(limits.quotaBytes) bytes "
                          + "(\(usage.total) used, unfinished uploads included)")
        }
        if limits.dailyQuotaBytes >= 0 && usage.today.addingReportingOverflow(length).partialValue > limits.dailyQuotaBytes {
            return .quota("this upload of \(length) bytes would exceed your daily upload quota of "
                          + "\(limits.dailyQuotaBytes) bytes (\(usage.today) in the last 24 hours)")
        }
        if limits.diskReserveBytes >= 0, let free = freeBytes,
           free - usage.pendingAll - length < limits.diskReserveBytes {
            return .disk("the server has not enough free space for \(length) more bytes; try again later")
        }
        return nil
    }

    /// Free bytes for an unprivileged user on the file system of `path`.
    static func freeBytes(_ path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let (bytes, overflow) = Int64(clamping: info.f_bavail).multipliedReportingOverflow(by: Int64(clamping: info.f_frsize))
        return overflow ? Int64.max : bytes
    }
}
