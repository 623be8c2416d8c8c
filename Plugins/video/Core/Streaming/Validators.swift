import Foundation

/// A file's validators (RFC 9110 §8.8) and the conditional requests they
/// answer: `If-None-Match` (304, weak comparison), `If-Modified-Since` (only
/// without If-None-Match), and `If-Range` (strong comparison; a mismatch
/// turns a range request into a full 200).
struct Validators: Sendable, Equatable {
    /// A strong entity tag, quotes included.
    let etag: String
    /// Seconds since 1970, when known (local disk; S3 proxying has none).
    let lastModified: Int64?

    /// Local files: size, modification time (ns) and inode. Stream files are
    /// published by an atomic rename (a new inode), so any change of bytes
    /// changes the tag.
    init(size: Int64, modifiedNanos: Int64, inode: UInt64) {
        // "<size>-<mtime ns>-<inode>" in hex, written straight into the
        // string (every media answer makes one).
        etag = String(unsafeUninitializedCapacity: 2 + 3 * 16 + 2) { text in
            var at = 0
            func put(_ byte: UInt8) { text[at] = byte; at += 1 }
            func hex(_ value: UInt64) {
                let digits = max(1, (64 - value.leadingZeroBitCount + 3) / 4)
                for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                    let nibble = UInt8((value >> UInt64(shift)) & 0xF)
                    put(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
                }
            }
            put(UInt8(ascii: "\""))
            hex(UInt64(bitPattern: size))
            put(UInt8(ascii: "-"))
            hex(UInt64(bitPattern: modifiedNanos))
            put(UInt8(ascii: "-"))
            hex(inode)
            put(UInt8(ascii: "\""))
            return at
        }
        lastModified = modifiedNanos / 1_000_000_000
    }

    init(etag: String, lastModified: Int64?) {
        self.etag = etag
        self.lastModified = lastModified
    }

    var lastModifiedHeader: String? { lastModified.map { HTTPDate.format(Date(timeIntervalSince1970: TimeInterval($0))) } }

    /// True when a GET/HEAD should answer 304 Not Modified.
    func notModified(ifNoneMatch: String?, ifModifiedSince: String?) -> Bool {
        if let ifNoneMatch { return Self.anyMatches(ifNoneMatch, etag, weak: true) }
        if let ifModifiedSince, let lastModified, let since = HTTPDate.parse(ifModifiedSince) {
            return lastModified <= since
        }
        return false
    }

    /// Whether a Range may be honoured: no If-Range, or one that matches.
    func rangeAllowed(ifRange: String?) -> Bool {
        guard let value = ifRange?.trimmingCharacters(in: .whitespaces) else { return true }
        if value.hasPrefix("\"") || value.hasPrefix("W/") {
            return !value.contains(",") && Self.anyMatches(value, etag, weak: false)
        }
        guard let date = HTTPDate.parse(value), let lastModified else { return false }
        return date == lastModified
    }

    /// `*` or a comma-separated list of entity tags against `etag`.
    static func anyMatches(_ list: String, _ etag: String, weak: Bool) -> Bool {
        if list.trimmingCharacters(in: .whitespaces) == "*" { return true }
        let ours = opaque(etag)
        for item in list.split(separator: ",") {
            var tag = Substring(item).trimmingASCIIWhitespace
            if tag.hasPrefix("W/") {
                guard weak else { continue }
                tag = tag.dropFirst(2)
            }
            if tag.count >= 2, tag.first == "\"", tag.last == "\"", tag == ours { return true }
        }
        return false
    }

    private static func opaque(_ etag: String) -> Substring {
        etag.hasPrefix("W/") ? Substring(etag).dropFirst(2) : Substring(etag)
    }
}
