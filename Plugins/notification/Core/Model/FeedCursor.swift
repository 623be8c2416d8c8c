import Foundation
import ReelEncoding
import ReelPluginKit

/// Opaque keyset cursors: a notification id ("n:<id>"), or a (time, uuid)
/// pair for subscriptions ("s:<micros>:<id>") and videos ("v:<micros>:<id>"),
/// base64url so clients treat them as opaque.
public enum FeedCursor {
    public static func encode(notificationId: Int64) -> String { base64("n:\(notificationId)") }

    public static func decodeNotificationId(_ text: String) throws(PluginError) -> Int64 {
        let parts = try parts(text, kind: "n", count: 2)
        guard let id = Int64(parts[1]), id > 0 else { throw .invalidArgument("cursor is not valid") }
        return id
    }

    public static func encode(kind: String, micros: Int64, id: String) -> String { base64("\(kind):\(micros):\(id)") }

    public static func decode(_ text: String, kind: String) throws(PluginError) -> (micros: Int64, id: String) {
        let parts = try parts(text, kind: kind, count: 3)
        guard let micros = Int64(parts[1]), let id = UUIDs.canonical(parts[2]) else {
            throw .invalidArgument("cursor is not valid")
        }
        return (micros, id)
    }

    private static func parts(_ text: String, kind: String, count: Int) throws(PluginError) -> [String] {
        guard let data = Data(base64URLEncoded: text), let plain = String(data: data, encoding: .utf8) else {
            throw .invalidArgument("cursor is not valid")
        }
        let parts = plain.split(separator: ":", maxSplits: count - 1).map(String.init)
        guard parts.count == count, parts[0] == kind else { throw .invalidArgument("cursor is not valid") }
        return parts
    }

    private static func base64(_ plain: String) -> String { Data(plain.utf8).base64URLEncoded }
}
