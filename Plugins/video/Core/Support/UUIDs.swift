import Foundation

enum UUIDs {
    /// A new random id, lower-case.
    static func make() -> String { UUID().uuidString.lowercased() }

    /// The canonical lower-case form of `text`, or nil if it is not a UUID.
    static func canonical(_ text: String) -> String? {
        UUID(uuidString: text).map { $0.uuidString.lowercased() }
    }
}
