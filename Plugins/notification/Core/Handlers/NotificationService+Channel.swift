import CReelProtoNotification
import ReelPluginKit

/// A creator's channel page: name, follower count, following, public videos.
extension NotificationService {
    func getChannel(_ call: PluginCall) async throws -> [UInt8] {
        let unpacked = try Proto.unpack(call.payload, as: Reel__Notification__V1__GetChannelRequest.self,
                                        "reel.notification.v1.GetChannelRequest")
        defer { withExtendedLifetime(unpacked) {} } // its strings are read below
        let creator = try UUIDs.require(Proto.string(unpacked.message.creator_id), "creatorId")
        guard let name = try await directory.displayNames([creator])[creator] else {
            throw PluginError.notFound("no creator \(creator)")
        }
        let me = UUIDs.canonical(call.callerUserId)
        let (followers, following) = try await database.withConnection { c in
            (try SubscriptionStore.followerCount(c, creator: creator),
             try me.map { try SubscriptionStore.isFollowing(c, follower: $0, creator: creator) } ?? false)
        }
        let arena = ProtoArena()
        var m = Reel__Notification__V1__Channel()
        reel__notification__v1__channel__init(&m)
        m.creator_id = arena.string(creator)
        m.display_name = arena.string(name)
        m.has_follower_count = 1
        m.follower_count = Int32(clamping: followers)
        m.has_following = 1
        m.following = following ? 1 : 0
        return Proto.pack(&m)
    }

    func listChannelVideos(_ call: PluginCall) async throws -> [UInt8] {
        let unpacked = try Proto.unpack(call.payload, as: Reel__Notification__V1__ListChannelVideosRequest.self,
                                        "reel.notification.v1.ListChannelVideosRequest")
        defer { withExtendedLifetime(unpacked) {} } // its strings are read below
        let m = unpacked.message
        let creator = try UUIDs.require(Proto.string(m.creator_id), "creatorId")
        let limit = try Limit.page(m.has_limit != 0, m.limit, fallback: 20, max: 100)
        return try await videos.byOwners([creator], cursor: Proto.string(m.cursor), limit: limit)
    }
}
