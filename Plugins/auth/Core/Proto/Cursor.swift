import Foundation
import ReelPluginKit

/// The keyset of ListUsers: the last user's (created_at in microseconds, id),
/// base64url so it is opaque to clients.
struct UserCursor: Equatable {
    var createdMicros: Int64
    var id: String

    init(createdMicros: Int64, id: String) {
        self.createdMicros = createdMicros
        self.id = id
    }

    init(_ user: User) {
        self.init(createdMicros: user.createdMicros, id: user.id)
    }

    var encoded: String { Data("\(createdMicros):\(id)".utf8).base64URLEncoded }

    init(decoding text: String) throws(PluginError) {
        guard let data = Data(base64URLEncoded: text), let plain = String(data: data, encoding: .utf8) else {
            throw .invalidArgument("cursor is not valid")
        }
        let parts = plain.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw .invalidArgument("cursor is not valid")
        }
        self.init(createdMicros: micros, id: id.uuidString.lowercased())
    }
}
