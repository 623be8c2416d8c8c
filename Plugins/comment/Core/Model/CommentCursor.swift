import Foundation
import ReelPluginKit

/// The keyset of a comment listing, opaque to clients (base64url): the last
/// item's sort key(s) and id, tagged with the order it belongs to. `start`
/// marks "from the first unpinned thread" (a first page that held only the
/// pinned one).
public struct CommentCursor: Equatable, Sendable {
    public enum Order: String, Sendable, CaseIterable {
        /// Threads, sort=newest: (created_at, id) descending.
        case newest = "n"
        /// Threads, sort=oldest: (created_at, id) ascending.
        case oldest = "o"
        /// Threads, sort=top: (reply_count, created_at, id) descending.
        case top = "t"
        /// Replies of a thread: (created_at, id) ascending.
        case replies = "r"
        /// The caller's own comments: (created_at, id) descending.
        case mine = "m"
    }

    public var order: Order
    /// nil: the start of the unpinned threads.
    public var position: Position?

    public struct Position: Equatable, Sendable {
        public var replyCount: Int
        public var createdMicros: Int64
        public var id: String

        public init(replyCount: Int = 0, createdMicros: Int64, id: String) {
            self.replyCount = replyCount
            self.createdMicros = createdMicros
            self.id = id
        }
    }

    public init(order: Order, position: Position?) {
        self.order = order
        self.position = position
    }

    public init(after comment: CommentRecord, order: Order) {
        self.init(order: order, position: Position(replyCount: comment.replyCount, createdMicros: comment.createdMicros,
                                                   id: comment.id))
    }

    public var encoded: String {
        let body = position.map { "\($0.replyCount):\($0.createdMicros):\($0.id)" } ?? "start"
        return Data("\(order.rawValue):\(body)".utf8).base64URLEncoded
    }

    /// Decodes a cursor made for `expected`; anything else is invalid_argument.
    public init(decoding text: String, order expected: Order) throws(PluginError) {
        guard text.utf8.count <= 200, let data = Data(base64URLEncoded: text),
              let plain = String(data: data, encoding: .utf8) else { throw .invalidArgument("cursor is not valid") }
        let parts = plain.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let order = parts.first.flatMap(Order.init(rawValue:)) else { throw .invalidArgument("cursor is not valid") }
        guard order == expected else { throw .invalidArgument("cursor belongs to another listing or sort order") }
        if parts.count == 2, parts[1] == "start", order != .replies, order != .mine {
            self.init(order: order, position: nil)
            return
        }
        guard parts.count == 4, let count = Int(parts[1]), count >= 0, let micros = Int64(parts[2]),
              let id = CommentIDs.canonical(parts[3]) else { throw .invalidArgument("cursor is not valid") }
        self.init(order: order, position: Position(replyCount: count, createdMicros: micros, id: id))
    }
}

/// Comment, video and user ids: UUIDs, lower-case.
public enum CommentIDs {
    public static func make() -> String { UUID().uuidString.lowercased() }

    public static func canonical(_ text: String) -> String? {
        UUID(uuidString: text).map { $0.uuidString.lowercased() }
    }
}
