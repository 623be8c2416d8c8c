import Foundation
import ReelPluginKit

/// Upload-Metadata: comma-separated pairs "key base64(value)" (or a bare
/// key); keys are unique, non-empty, without spaces or commas.
public enum TusMetadata {
    public enum ParseError: Error, Equatable {
        case malformed(String)
    }

    public static func parse(_ header: String) throws(ParseError) -> [String: Data] {
        var result: [String: Data] = [:]
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [:] }
        for pair in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
            guard let key = parts.first.map(String.init), !key.isEmpty, parts.count <= 2 else {
                throw .malformed("each Upload-Metadata pair must be a key and an optional base64 value")
            }
            guard result[key] == nil else { throw .malformed("Upload-Metadata key \(key.debugDescription) appears twice") }
            if parts.count == 2 {
                var text = String(parts[1])
                text += String(repeating: "=", count: (4 - text.count % 4) % 4)
                guard let value = Data(base64Encoded: text) else {
                    throw .malformed("the Upload-Metadata value of \(key.debugDescription) is not base64")
                }
                result[key] = value
            } else {
                result[key] = Data()
            }
        }
        return result
    }

    /// A UTF-8 text value without NUL, or nil if absent.
    public static func text(_ metadata: [String: Data], _ key: String) throws(ParseError) -> String? {
        guard let data = metadata[key] else { return nil }
        guard let text = String(data: data, encoding: .utf8), !text.unicodeScalars.contains("\0") else {
            throw .malformed("the Upload-Metadata value of \(key.debugDescription) is not UTF-8 text")
        }
        return text
    }

    /// The uploader's file name without folders; "upload" when there is none.
    public static func filename(_ raw: String?) -> String {
        let name = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = TextRules.removingRefused(name).trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "upload" : TextRules.truncated(clean, maxScalars: 255)
    }

    /// The default title: the file name without its extension.
    public static func title(fromFilename filename: String) -> String {
        var base = filename
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
        base = TextRules.truncated(base.trimmingCharacters(in: .whitespaces), maxScalars: VideoValidation.maxTitle)
            .trimmingCharacters(in: .whitespaces)
        return base.isEmpty ? "Untitled" : base
    }

    /// The file name as a storage key segment: A-Z a-z 0-9 . _ - only, not
    /// starting with ".", at most 100 characters, extension kept.
    public static func storageName(_ filename: String) -> String {
        var mapped = String(String.UnicodeScalarView(filename.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": scalar
            default: "_"
            }
        }))
        while mapped.hasPrefix(".") { mapped.removeFirst() }
        if mapped.count > 100 {
            let ext = mapped.lastIndex(of: ".").map { String(mapped[$0...]) } ?? ""
            mapped = String(mapped.prefix(100 - min(ext.count, 20))) + String(ext.prefix(20))
        }
        return mapped.isEmpty || mapped.allSatisfy({ $0 == "_" || $0 == "." }) ? "source" : mapped
    }
}
