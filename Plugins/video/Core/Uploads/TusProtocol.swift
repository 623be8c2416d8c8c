import Foundation

/// tus 1.0.0 (https://tus.io/protocols/resumable-upload): core, creation,
/// termination and expiration.
enum Tus {
    static let version = "1.0.0"
    static let extensions = "creation,termination,expiration"
    static let offsetContentType = "application/offset+octet-stream"
    /// Largest Upload-Metadata header accepted.
    static let maxMetadataBytes = 4096

    /// A non-negative decimal integer header (Upload-Length, Upload-Offset).
    static func integer(_ text: String?) -> Int64? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= 19,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(text)
    }
}
