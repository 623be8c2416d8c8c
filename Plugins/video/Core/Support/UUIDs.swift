import Foundation

enum UUIDs {
    /// A new random id, lower-case.
    static func make() -> String { UUID().uuidString.lowercased() }

    /// The canonical lower-case form of `text`, or nil if it is not a UUID.
    static func canonical(_ text: String) -> String? {
        // Most ids arrive canonical already (the API writes them so): checked
        // by bytes, without Foundation's parse and format (16k instructions a call).
        if isCanonical(text) { return text }
        return UUID(uuidString: text).map { $0.uuidString.lowercased() }
    }

    /// Whether `text` already is a canonical id (36 characters, lower-case
    /// hex, dashes at 8, 13, 18 and 23); byte checks, no parsing (the media
    /// routes ask this for every file).
    static func isCanonical(_ text: String) -> Bool {
        guard text.utf8.count == 36 else { return false }
        var text = text
        return text.withUTF8 { bytes in
            for index in 0..<bytes.count {
                let byte = bytes[index]
                switch index {
                case 8, 13, 18, 23: if byte != UInt8(ascii: "-") { return false }
                default:
                    guard (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                    else { return false }
                }
            }
            return true
        }
    }
}
