/// The text rules of a comment (the project's length rule): trimmed of
/// surrounding whitespace, 1-5000 Unicode code points (what PostgreSQL's
/// char_length counts) and at most 20000 UTF-8 bytes; newlines allowed (CR LF
/// and lone CR become LF), every other C0/C1 control character refused;
/// format characters emoji need (ZWJ, variation selectors) allowed. Stored and
/// answered as plain text: clients render it as text, never as HTML.
public enum CommentText {
    public static let maxCodePoints = 5000
    public static let maxBytes = 20_000

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty, tooLong, tooManyBytes, controlCharacter(UInt32)

        public var description: String {
            switch self {
            case .empty: "text must not be empty"
            case .tooLong: "text must be at most \(CommentText.maxCodePoints) characters"
            case .tooManyBytes: "text must be at most \(CommentText.maxBytes) bytes of UTF-8"
            case .controlCharacter(let scalar):
                "text must not contain control characters (found U+\(String(scalar, radix: 16, uppercase: true)))"
            }
        }
    }

    /// The text as stored, or the rule it breaks.
    public static func normalized(_ raw: String) -> Result<String, Problem> {
        let unified = raw.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        // Before trimming: NEL (U+0085) is white space to Unicode, yet a C1 control here.
        if let bad = unified.unicodeScalars.first(where: isRefusedControl) { return .failure(.controlCharacter(bad.value)) }
        let text = unified.trimmingWhitespace()
        if text.isEmpty { return .failure(.empty) }
        if text.unicodeScalars.count > maxCodePoints { return .failure(.tooLong) }
        if text.utf8.count > maxBytes { return .failure(.tooManyBytes) }
        return .success(text)
    }

    /// C0 (but newline), DEL and C1.
    static func isRefusedControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x0A) || (0x7F...0x9F).contains(v)
    }
}

extension String {
    /// Without leading and trailing white space and newlines (Unicode White_Space).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
