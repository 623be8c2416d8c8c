import CReelProtoNotification
import ReelPluginKit

/// Follow and unfollow creators, list whom I follow and their newest videos.
extension NotificationService {
    func subscribe(_ call: PluginCall) async throws -> [UInt8] {
        let m = try Proto.unpack(call.payload, as: Reel__Notification__V1__SubscribeRequest.self,
                                 "reel.notification.v1.SubscribeRequest")
        defer { withExtendedLifetime(m) {} } // its strings are read below
        let me = try caller(call)
        let creator = try UUIDs.require(Proto.string(m.message.creator_id), "creatorId")
        guard creator != me else { throw PluginError.invalidArgument("you cannot follow yourself") }
        guard let account = try await directory.account(creator), !account.disabled else {
            throw PluginError.notFound("no creator \(creator)")
        }
        try await database.withConnection { c in try SubscriptionStore.subscribe(c, follower: me, creator: account.id) }
        return empty()
    }

    func unsubscribe(_ call: PluginCall) async throws -> [UInt8] {
        let m = try Proto.unpack(call.payload, as: Reel__Notification__V1__UnsubscribeRequest.self,
                                 "reel.notification.v1.UnsubscribeRequest")
        defer { withExtendedLifetime(m) {} } // its strings are read below
        let me = try caller(call)
        let creator = try UUIDs.require(Proto.string(m.message.creator_id), "creatorId")
        try await database.withConnection { c in try SubscriptionStore.unsubscribe(c, follower: me, creator: creator) }
        return empty()
    }

    func listSubscriptions(_ call: PluginCall) async throws -> [UInt8] {
        let unpacked = try Proto.unpack(call.payload, as: Reel__Notification__V1__ListSubscriptionsRequest.self,
                                        "reel.notification.v1.ListSubscriptionsRequest")
        defer { withExtendedLifetime(unpacked) {} } // its strings are read below
        let m = unpacked.message
        let me = try caller(call)
        let limit = try Limit.page(m.has_limit != 0, m.limit, fallback: 50, max: 100)
        let cursorText = Proto.string(m.cursor)
        let after = cursorText.isEmpty ? nil : try FeedCursor.decode(cursorText, kind: "s")
        let rows = try await database.withConnection { c in
            try SubscriptionStore.list(c, follower: me, after: after, limit: limit + 1)
        }
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { FeedCursor.encode(kind: "s", micros: $0.createdMicros, id: $0.creatorId) } : nil
        let names = try await directory.displayNames(page.map(\.creatorId))
        return NotificationMessages.subscriptions(page, names: names, nextCursor: next)
    }

    func listSubscriptionVideos(_ call: PluginCall) async throws -> [UInt8] {
        let unpacked = try Proto.unpack(call.payload, as: Reel__Notification__V1__ListSubscriptionVideosRequest.self,
                                        "reel.notification.v1.ListSubscriptionVideosRequest")
        defer { withExtendedLifetime(unpacked) {} } // its strings are read below
        let m = unpacked.message
        let me = try caller(call)
        let limit = try Limit.page(m.has_limit != 0, m.limit, fallback: 20, max: 100)
        let creators = try await database.withConnection { c in
            try SubscriptionStore.creators(c, follower: me, limit: VideoDirectory.maxOwners)
        }
        // The video service lists them (every public video, also those
        // published before this plugin was loaded); its cursor passes through.
        return try await videos.byOwners(creators, cursor: Proto.string(m.cursor), limit: limit)
    }

    /// The signed-in caller's id (the guard let only signed-in users in).
    func caller(_ call: PluginCall) throws(PluginError) -> String {
        guard let id = UUIDs.canonical(call.callerUserId) else { throw .unauthenticated("sign in first") }
        return id
    }

    /// An empty message (every field optional): zero bytes.
    func empty() -> [UInt8] { [] }
}
