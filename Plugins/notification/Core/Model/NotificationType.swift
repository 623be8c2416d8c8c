/// The five kinds of notification, their wire names and default channels.
public enum NotificationType: String, CaseIterable, Sendable {
    /// My upload is playable.
    case videoReady = "video.ready"
    /// My upload failed (with the reason).
    case videoFailed = "video.failed"
    /// A creator I follow published a public video.
    case subscriptionVideo = "subscription.video"
    /// Someone commented on my video.
    case commentOnMyVideo = "comment.on_my_video"
    /// Someone replied to my comment.
    case commentReply = "comment.reply"

    /// Web for every type; email only for what happened to my own uploads.
    public var defaultChannels: Channels {
        switch self {
        case .videoReady, .videoFailed: Channels(web: true, email: true)
        case .subscriptionVideo, .commentOnMyVideo, .commentReply: Channels(web: true, email: false)
        }
    }
}

/// Where a type of notification goes.
public struct Channels: Equatable, Sendable {
    public var web: Bool
    public var email: Bool

    public init(web: Bool, email: Bool) {
        self.web = web
        self.email = email
    }

    public var any: Bool { web || email }
}

/// A user's channels for every type (defaults where they set nothing).
public struct NotificationSettings: Equatable, Sendable {
    public var channels: [NotificationType: Channels]

    public init(overrides: [NotificationType: Channels] = [:]) {
        var all: [NotificationType: Channels] = [:]
        for type in NotificationType.allCases { all[type] = overrides[type] ?? type.defaultChannels }
        channels = all
    }

    public subscript(type: NotificationType) -> Channels { channels[type] ?? type.defaultChannels }
}
