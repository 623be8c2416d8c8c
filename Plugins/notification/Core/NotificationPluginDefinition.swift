import CReelABI
import ReelPluginKit

/// The notification plugin: follows, the in-app feed with per-type settings,
/// notifications made from the video and comment events (fan-out to
/// followers), and email through a durable outbox, in the schema `notification`.
public let notificationPlugin = PluginDefinition<NotificationService>(
    name: "notification",
    version: NotificationService.version,
    summary: "Follows, notifications (feed, settings, email) from video and comment events",
    methods: [
        method("Subscribe", "SubscribeRequest", "SubscribeResponse") { try await $0.subscribe($1) },
        method("Unsubscribe", "UnsubscribeRequest", "UnsubscribeResponse") { try await $0.unsubscribe($1) },
        method("ListSubscriptions", "ListSubscriptionsRequest", "SubscriptionPage") { try await $0.listSubscriptions($1) },
        Method(notificationService + "ListSubscriptionVideos", access: .user,
               input: "reel.notification.v1.ListSubscriptionVideosRequest", output: "reel.video.v1.VideoPage") {
            try await $0.listSubscriptionVideos($1)
        },
        method("ListNotifications", "ListNotificationsRequest", "NotificationPage") { try await $0.listNotifications($1) },
        method("MarkRead", "MarkReadRequest", "MarkReadResponse") { try await $0.markRead($1) },
        method("MarkAllRead", "MarkAllReadRequest", "MarkReadResponse") { try await $0.markAllRead($1) },
        method("GetSettings", "GetSettingsRequest", "NotificationSettings") { try await $0.getSettings($1) },
        method("UpdateSettings", "NotificationSettings", "NotificationSettings") { try await $0.updateSettings($1) },
        method("CreateStreamTicket", "CreateStreamTicketRequest", "StreamTicket") { try await $0.createStreamTicket($1) },
        Method(notificationService + "GetChannel", access: .public, input: "reel.notification.v1.GetChannelRequest",
               output: "reel.notification.v1.Channel") { try await $0.getChannel($1) },
        Method(notificationService + "ListChannelVideos", access: .public, input: "reel.notification.v1.ListChannelVideosRequest",
               output: "reel.video.v1.VideoPage") { try await $0.listChannelVideos($1) },
        // Server streaming: served by the Connect streaming route (StreamRoutes); a unary call is refused.
        method("Stream", "StreamRequest", "Notification") { _, _ in
            throw PluginError(code: REEL_UNIMPLEMENTED, "Stream is server streaming: use the Connect streaming protocol "
                              + "(application/connect+proto or +json) or GET /api/v1/me/notifications/stream")
        },
    ],
    routes: [
        Route("PUT", "/api/v1/me/subscriptions/{creatorId}", method: notificationService + "Subscribe", status: 204),
        Route("DELETE", "/api/v1/me/subscriptions/{creatorId}", method: notificationService + "Unsubscribe", status: 204),
        Route("GET", "/api/v1/me/subscriptions", method: notificationService + "ListSubscriptions"),
        Route("GET", "/api/v1/me/subscriptions/videos", method: notificationService + "ListSubscriptionVideos"),
        Route("GET", "/api/v1/me/notifications", method: notificationService + "ListNotifications"),
        Route("POST", "/api/v1/me/notifications/read", method: notificationService + "MarkRead", status: 204),
        Route("POST", "/api/v1/me/notifications/read-all", method: notificationService + "MarkAllRead", status: 204),
        Route("GET", "/api/v1/me/notification-settings", method: notificationService + "GetSettings"),
        Route("PUT", "/api/v1/me/notification-settings", method: notificationService + "UpdateSettings"),
        Route("POST", "/api/v1/me/notifications/stream-ticket", method: notificationService + "CreateStreamTicket"),
        Route("GET", "/api/v1/channels/{creatorId}", method: notificationService + "GetChannel"),
        Route("GET", "/api/v1/channels/{creatorId}/videos", method: notificationService + "ListChannelVideos"),
    ],
    httpRoutes: StreamRoutes.all,
    subscriptions: BusEvent.topics,
    onEvent: { service, topic, payload in await service.receive(topic: topic, payload: payload) },
    start: { host in try await NotificationService.start(host: host) },
    stop: { service in await service.stop() })

let notificationService = "reel.notification.v1.NotificationService/"

/// A method of reel.notification.v1.NotificationService for any signed-in user.
func method(_ name: String, _ input: String, _ output: String,
            _ handler: @escaping @Sendable (NotificationService, PluginCall) async throws -> [UInt8]) -> Method<NotificationService> {
    Method(notificationService + name, access: .user, input: "reel.notification.v1." + input,
           output: "reel.notification.v1." + output, handler)
}
