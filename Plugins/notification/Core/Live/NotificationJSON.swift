import Foundation

/// A notification as the web sees it (the feed's item shape), for SSE `data:`.
enum NotificationJSON {
    static func object(_ n: StoredNotification, names: [String: String]) -> [String: Any] {
        var object: [String: Any] = [
            "id": String(n.id), "type": n.type, "createdAt": n.createdAt, "read": n.read,
            "actor": NSNull(), "video": NSNull(), "comment": NSNull(),
        ]
        if let actor = n.actorId {
            object["actor"] = ["id": actor, "displayName": names[actor].map { $0 as Any } ?? NSNull()]
        }
        if let video = n.videoId {
            object["video"] = ["id": video, "title": n.videoTitle.map { $0 as Any } ?? NSNull(),
                               "failureReason": n.failureReason.map { $0 as Any } ?? NSNull()]
        }
        if let comment = n.commentId {
            object["comment"] = ["id": comment, "threadId": n.threadId.map { $0 as Any } ?? NSNull()]
        }
        return object
    }

    static func text(_ n: StoredNotification, names: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object(n, names: names), options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// One Server-Sent Event (the JSON has no newline, so one `data:` line).
    static func event(_ n: StoredNotification, names: [String: String]) -> String {
        "id: \(n.id)\nevent: notification\ndata: \(text(n, names: names))\n\n"
    }
}
