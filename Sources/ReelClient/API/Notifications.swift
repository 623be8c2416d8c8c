import Foundation

public typealias ReelNotification = Reel_Notification_V1_Notification
public typealias NotificationPage = Reel_Notification_V1_NotificationPage
public typealias NotificationSettings = Reel_Notification_V1_NotificationSettings

/// The signed-in user's notification feed, its settings and its live stream.
extension ReelClient {
    /// Newest first, with the number of unread ones; `unreadOnly` filters.
    public func notifications(unreadOnly: Bool = false, cursor: String? = nil,
                              limit: Int32 = 20) async throws(ReelError) -> NotificationPage {
        var request = Reel_Notification_V1_ListNotificationsRequest()
        if let cursor { request.cursor = cursor }
        request.limit = limit
        if unreadOnly { request.unread = true }
        return try await call("reel.notification.v1.NotificationService/ListNotifications", request)
    }

    /// Marks these notifications read (ids not mine are ignored).
    public func markRead(ids: [String]) async throws(ReelError) {
        var request = Reel_Notification_V1_MarkReadRequest()
        request.ids = ids
        _ = try await call("reel.notification.v1.NotificationService/MarkRead", request,
                           as: Reel_Notification_V1_MarkReadResponse.self)
    }

    /// Marks all my notifications read.
    public func markAllRead() async throws(ReelError) {
        _ = try await call("reel.notification.v1.NotificationService/MarkAllRead",
                           Reel_Notification_V1_MarkAllReadRequest(),
                           as: Reel_Notification_V1_MarkReadResponse.self)
    }

    /// Web and email on or off, per notification type.
    public func notificationSettings() async throws(ReelError) -> NotificationSettings {
        try await call("reel.notification.v1.NotificationService/GetSettings",
                       Reel_Notification_V1_GetSettingsRequest())
    }

    /// Changes only the types set in `settings`; answers every type.
    public func updateNotificationSettings(_ settings: NotificationSettings) async throws(ReelError) -> NotificationSettings {
        try await call("reel.notification.v1.NotificationService/UpdateSettings", settings)
    }

    /// My notifications as they are made (Connect server streaming): first
    /// those newer than `afterID`, then live ones. The stream ends with a
    /// `ReelError` when the server ends it with an error or the connection
    /// drops; stop it by cancelling the task that reads it. `onOpen` is
    /// called once the server accepted the stream.
    ///
    /// ```swift
    /// for try await notification in reel.notificationStream() {
    ///     print(notification.type, notification.video.title)
    /// }
    /// ```
    public func notificationStream(afterID: String? = nil, onOpen: (@Sendable () -> Void)? = nil) -> AsyncThrowingStream<ReelNotification, Error> {
        let request = Reel_Notification_V1_StreamRequest.with { if let afterID { $0.afterID = afterID } }
        let method = "reel.notification.v1.NotificationService/Stream"
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let stream = try await openStream(method, request)
                    onOpen?()
                    for try await notification in stream { continuation.yield(notification) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Opens the stream with the session's token; a token the server refuses is refreshed once.
    private func openStream(
        _ method: String, _ request: Reel_Notification_V1_StreamRequest
    ) async throws(ReelError) -> AsyncThrowingStream<ReelNotification, Error> {
        let token = try await session.accessToken()
        do {
            return try await transport.serverStream(method, request, as: ReelNotification.self, bearer: token)
        } catch .server(.unauthenticated, _, _) {
            let fresh = try await session.accessToken(rejected: token)
            return try await transport.serverStream(method, request, as: ReelNotification.self, bearer: fresh)
        }
    }
}
