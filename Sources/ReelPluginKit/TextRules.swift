import Foundation

/// The one length rule for text a client writes (decided for the whole
/// project, see issue #19):
///
/// - lengths count Unicode code points, what PostgreSQL's `char_length`
///   counts (`unicodeScalars.count`), never Swift's grapheme clusters: "e"
///   followed by 250 combining accents is 251, not 1;
/// - a UTF-8 byte bound on top (by default 4 bytes per code point, the most
///   UTF-8 needs; lower it where an index limits the bytes);
/// - C0 and C1 control characters (general category Cc) are refused; a
///   multi-line field allows line feed and tab, and its CR LF and lone CR are
///   normalised to LF before counting, so the count is the stored one;
///   U+2028/U+2029 are refused in single-line fields;
/// - format characters (Cf) that emoji and scripts need are allowed: the
///   zero-width joiner U+200D of a family emoji, variation selectors, skin
///   tone modifiers, ZWNJ.
///
/// Each field declares one `TextRule`; `validate` trims, normalises, checks
/// and answers `invalidArgument` with a message naming the field.
public struct TextRule: Sendable {
    public let field: String
    public let maxScalars: Int
    public let maxBytes: Int
    public let minScalars: Int
    public let multiline: Bool
    /// Said instead of the generated message when the length is wrong.
    public let lengthMessage: String?

    public init(field: String, maxScalars: Int, maxBytes: Int? = nil, minScalars: Int = 0, multiline: Bool = false,
                lengthMessage: String? = nil) {
        self.field = field
        self.lengthMessage = lengthMessage
        self.maxScalars = maxScalars
        self.maxBytes = maxBytes ?? maxScalars * 4
        self.minScalars = minScalars
        self.multiline = multiline
    }

    /// The trimmed, normalised text, or `invalidArgument`.
    public func validate(_ raw: String) throws(PluginError) -> String {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if multiline { text = TextRules.normalizingNewlines(text) }
        try check(text)
        return text
    }

    /// Checks `text` as it is (no trimming, no normalising).
    public func check(_ text: String) throws(PluginError) {
        let scalars = text.unicodeScalars.count
        if let lengthMessage, scalars < minScalars || scalars > maxScalars || text.utf8.count > maxBytes {
            throw .invalidArgument(lengthMessage)
        }
        if scalars < minScalars {
            throw .invalidArgument(minScalars == 1 ? "\(field) must not be empty"
                                                   : "\(field) must be at least \(minScalars) characters")
        }
        guard scalars <= maxScalars else {
            throw .invalidArgument("\(field) must be at most \(maxScalars) characters (code points; "
                                   + "combining marks count), it has \(scalars)")
        }
        guard text.utf8.count <= maxBytes else {
            throw .invalidArgument("\(field) must be at most \(maxBytes) bytes of UTF-8")
        }
        if let bad = text.unicodeScalars.first(where: { TextRules.isRefused($0, multiline: multiline) }) {
            let code = "U+" + String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4)
            throw .invalidArgument("\(field) must not contain control characters (found \(code))")
        }
    }
}

public enum TextRules {
    /// Cc (C0, DEL, C1) is refused, except LF and tab in multi-line text;
    /// the line and paragraph separators are refused in single-line text.
    public static func isRefused(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !multiline
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return !multiline
        default: return false
        }
    }

    /// CR LF and lone CR become LF (what the schema then counts).
    public static func normalizingNewlines(_ text: String) -> String {
        guard text.unicodeScalars.contains("\r") else { return text }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            out.append(scalar)
        }
        return String(out)
    }

    /// At most `maxScalars` code points (and `maxBytes` UTF-8 bytes), cut at
    /// a code point, for values the server derives (a title from a file name).
    public static func truncated(_ text: String, maxScalars: Int, maxBytes: Int? = nil) -> String {
        let byteLimit = maxBytes ?? maxScalars * 4
        var out = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars.prefix(maxScalars) {
            let size = String(scalar).utf8.count
            guard bytes + size <= byteLimit else { break }
            bytes += size
            out.append(scalar)
        }
        return String(out)
    }

    /// `text` without the characters `isRefused` would refuse.
    public static func removingRefused(_ text: String, multiline: Bool = false) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !isRefused($0, multiline: multiline) }))
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
