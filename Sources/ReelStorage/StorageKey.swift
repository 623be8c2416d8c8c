/// The rules for object keys, the same on every backend so that a key that
/// works on local disk works on S3 and the other way round.
///
/// A key is 1 to 1024 bytes of `/`-separated segments. Each segment is 1 to
/// 255 characters from `A-Z a-z 0-9 . _ -` and does not start with `.`
/// (which rules out `.`, `..` and hidden files: local disk keeps its
/// temporary files under names starting with `.`, so no key can reach them).
/// So: no leading or trailing `/`, no `//`, no NUL, no backslash, no spaces,
/// nothing that needs percent-encoding in a URL.
public enum StorageKey {
    public static let maxLength = 1024
    public static let maxSegmentLength = 255

    /// Throws `StorageError.invalidKey` unless `key` follows the rules.
    public static func validate(_ key: String) throws(StorageError) {
        let bytes = Array(key.utf8)
        if bytes.isEmpty { throw .invalidKey(key, reason: "empty") }
        if bytes.count > maxLength { throw .invalidKey(key, reason: "longer than \(maxLength) bytes") }
        if bytes.first == UInt8(ascii: "/") { throw .invalidKey(key, reason: "starts with \"/\"") }
        if bytes.last == UInt8(ascii: "/") { throw .invalidKey(key, reason: "ends with \"/\"") }
        try validateSegments(bytes, original: key)
    }

    /// A listing prefix: empty (everything), or a key-like string that may end
    /// with `/` (`videos/<id>/`). Matching is by string prefix, as in S3.
    public static func validatePrefix(_ prefix: String) throws(StorageError) {
        var bytes = Array(prefix.utf8)
        if bytes.isEmpty { return }
        if bytes.count > maxLength { throw .invalidKey(prefix, reason: "longer than \(maxLength) bytes") }
        if bytes.first == UInt8(ascii: "/") { throw .invalidKey(prefix, reason: "starts with \"/\"") }
        if bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        try validateSegments(bytes, original: prefix)
    }

    /// A prefix that names a folder: non-empty and ending with `/`. Used by
    /// `delete(prefix:)` so that `videos/1` can never remove `videos/12/…`.
    public static func validateFolderPrefix(_ prefix: String) throws(StorageError) {
        guard prefix.utf8.count > 1, prefix.utf8.last == UInt8(ascii: "/") else {
            throw .invalidKey(prefix, reason: "a folder prefix must be non-empty and end with \"/\"")
        }
        try validatePrefix(prefix)
    }

    private static func validateSegments(_ bytes: [UInt8], original: String) throws(StorageError) {
        var segmentLength = 0
        for byte in bytes {
            if byte == UInt8(ascii: "/") {
                if segmentLength == 0 { throw .invalidKey(original, reason: "empty path segment (\"//\")") }
                segmentLength = 0
                continue
            }
            if segmentLength == 0 && byte == UInt8(ascii: ".") {
                throw .invalidKey(original, reason: "a path segment starts with \".\" (\".\", \"..\" and hidden names are not allowed)")
            }
            guard isAllowed(byte) else {
                let what: String
                switch byte {
                case 0: what = "NUL"
                case UInt8(ascii: "\\"): what = "a backslash"
                default: what = byte < 0x80 ? "\"\(Unicode.Scalar(byte).escaped(asASCII: true))\"" : "non-ASCII bytes"
                }
                throw .invalidKey(original, reason: "contains \(what); allowed are A-Z a-z 0-9 . _ - and /")
            }
            segmentLength += 1
            if segmentLength > maxSegmentLength {
                throw .invalidKey(original, reason: "a path segment is longer than \(maxSegmentLength) bytes")
            }
        }
        if segmentLength == 0 && !bytes.isEmpty { throw .invalidKey(original, reason: "empty path segment") }
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
