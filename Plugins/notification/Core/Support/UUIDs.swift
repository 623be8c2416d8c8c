import Foundation
import ReelPluginKit

enum UUIDs {
    /// The canonical lower-case form of `text`, or nil if it is not a UUID.
    static func canonical(_ text: String) -> String? {
        UUID(uuidString: text).map { $0.uuidString.lowercased() }
    }

    /// A user or video id from a request: invalid_argument if not a UUID.
    static func require(_ text: String, _ name: String) throws(PluginError) -> String {
        guard let id = canonical(text) else { throw .invalidArgument("\(name) must be a UUID") }
        return id
    }
}
