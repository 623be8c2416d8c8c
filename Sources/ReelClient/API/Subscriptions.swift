import Foundation

public typealias SubscriptionPage = Reel_Notification_V1_SubscriptionPage
public typealias Channel = Reel_Notification_V1_Channel

/// Following creators ("subscriptions") and their channels (the notification service).
extension ReelClient {
    /// Follows a creator (following again changes nothing).
    public func follow(creatorID: String) async throws(ReelError) {
        var request = Reel_Notification_V1_SubscribeRequest()
        request.creatorID = creatorID
        _ = try await call("reel.notification.v1.NotificationService/Subscribe", request,
                           as: Reel_Notification_V1_SubscribeResponse.self)
    }

    /// Stops following a creator (unfollowing one not followed changes nothing).
    public func unfollow(creatorID: String) async throws(ReelError) {
        var request = Reel_Notification_V1_UnsubscribeRequest()
        request.creatorID = creatorID
        _ = try await call("reel.notification.v1.NotificationService/Unsubscribe", request,
                           as: Reel_Notification_V1_UnsubscribeResponse.self)
    }

    /// The creators I follow, most recently followed first.
    public func subscriptions(cursor: String? = nil, limit: Int32 = 50) async throws(ReelError) -> SubscriptionPage {
        var request = Reel_Notification_V1_ListSubscriptionsRequest()
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.notification.v1.NotificationService/ListSubscriptions", request)
    }

    /// The newest public videos of the creators I follow.
    public func subscriptionVideos(cursor: String? = nil, limit: Int32 = 20) async throws(ReelError) -> Reel_Video_V1_VideoPage {
        var request = Reel_Notification_V1_ListSubscriptionVideosRequest()
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.notification.v1.NotificationService/ListSubscriptionVideos", request)
    }

    /// A creator's channel: name, follower count, whether I follow them.
    public func channel(creatorID: String) async throws(ReelError) -> Channel {
        var request = Reel_Notification_V1_GetChannelRequest()
        request.creatorID = creatorID
        return try await call("reel.notification.v1.NotificationService/GetChannel", request, caller: .anyone)
    }
}
