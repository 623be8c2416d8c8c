import Foundation
import ReelPluginKit

/// The keyset of a video listing: the last item's sort key and id, tagged
/// with the order it belongs to, base64url so it is opaque to clients.
public struct CatalogCursor: Equatable, Sendable {
    public enum Order: String, Sendable {
        /// Catalog, `sort=newest`: (published_at, id) descending; key in microseconds.
        case newest = "n"
        /// Catalog, `sort=views`: (views, id) descending.
        case views = "v"
        /// A creator's own videos: (created_at, id) descending; key in microseconds.
        case created = "c"
        /// Continue-watching: (position updated_at, video id) descending; key in microseconds.
        case watched = "w"
    }

    public var order: Order
    public var key: Int64
    public var id: String

    public init(order: Order, key: Int64, id: String) {
        self.order = order
        self.key = key
        self.id = id
    }

    /// The cursor that follows `video` in `order`.
    init(after video: Video, order: Order) {
        switch order {
        case .newest: self.init(order: order, key: video.publishedMicros ?? 0, id: video.id)
        case .views: self.init(order: order, key: video.views, id: video.id)
        case .created: self.init(order: order, key: video.createdMicros, id: video.id)
        // Not a property of the video: ListContinueWatching builds it with init(order:key:id:).
        case .watched: self.init(order: order, key: video.createdMicros, id: video.id)
        }
    }

    public var encoded: String { Data("\(order.rawValue):\(key):\(id)".utf8).base64URLEncoded }

    /// Decodes a cursor made for `order`; anything else is invalid_argument.
    public init(decoding text: String, order expected: Order) throws(PluginError) {
        guard let data = Data(base64URLEncoded: text), let plain = String(data: data, encoding: .utf8) else {
            throw .invalidArgument("cursor is not valid")
        }
        let parts = plain.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, let order = Order(rawValue: parts[0]), let key = Int64(parts[1]),
              let id = UUIDs.canonical(parts[2]) else {
            throw .invalidArgument("cursor is not valid")
        }
        guard order == expected else { throw .invalidArgument("cursor belongs to another sort order") }
        self.init(order: order, key: key, id: id)
    }
}
