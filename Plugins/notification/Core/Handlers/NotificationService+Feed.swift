import CReelProtoNotification
import ReelPluginKit

/// The feed: list (newest first, unread filter, unread count), read, read-all.
extension NotificationService {
    func listNotifications(_ call: PluginCall) async throws -> [UInt8] {
        let unpacked = try Proto.unpack(call.payload, as: Reel__Notification__V1__ListNotificationsRequest.self,
                                        "reel.notification.v1.ListNotificationsRequest")
        defer { withExtendedLifetime(unpacked) {} } // its strings are read below
        let m = unpacked.message
        let me = try caller(call)
        let limit = try Limit.page(m.has_limit != 0, m.limit, fallback: 20, max: 100)
        let cursorText = Proto.string(m.cursor)
        let before = cursorText.isEmpty ? nil : try FeedCursor.decodeNotificationId(cursorText)
        let unreadOnly = m.has_unread != 0 && m.unread != 0
        let (rows, unread) = try await database.withConnection { c in
            (try NotificationStore.list(c, user: me, before: before, limit: limit + 1, unreadOnly: unreadOnly),
             try NotificationStore.unreadCount(c, user: me))
        }
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { FeedCursor.encode(notificationId: $0.id) } : nil
        let names = (try? await directory.displayNames(page.compactMap(\.actorId))) ?? [:]
        return NotificationMessages.page(page, names: names, nextCursor: next, unreadCount: unread)
    }

    func markRead(_ call: PluginCall) async throws -> [UInt8] {
        let unpacked = try Proto.unpack(call.payload, as: Reel__Notification__V1__MarkReadRequest.self,
                                        "reel.notification.v1.MarkReadRequest")
        defer { withExtendedLifetime(unpacked) {} } // its strings are read below
        let m = unpacked.message
        let me = try caller(call)
        guard m.n_ids <= 500 else { throw PluginError.invalidArgument("ids: at most 500") }
        var ids: [Int64] = []
        for index in 0..<m.n_ids {
            guard let id = Int64(Proto.string(m.ids[index])), id > 0 else {
                throw PluginError.invalidArgument("ids must be notification ids")
            }
            ids.append(id)
        }
        guard !ids.isEmpty else { return empty() }
        try await database.withConnection { [ids] c in try NotificationStore.markRead(c, user: me, ids: ids) }
        return empty()
    }

    func markAllRead(_ call: PluginCall) async throws -> [UInt8] {
        let me = try caller(call)
        try await database.withConnection { c in try NotificationStore.markAllRead(c, user: me) }
        return empty()
    }
}
