/// A notification about to be made for one or many users (what the event said).
public struct NewNotification: Sendable, Equatable {
    public var type: NotificationType
    public var actorId: String?
    public var videoId: String?
    public var videoTitle: String?
    public var failureReason: String?
    public var commentId: String?
    public var threadId: String?

    public init(type: NotificationType, actorId: String? = nil, videoId: String? = nil, videoTitle: String? = nil,
                failureReason: String? = nil, commentId: String? = nil, threadId: String? = nil) {
        self.type = type
        self.actorId = actorId
        self.videoId = videoId
        self.videoTitle = videoTitle
        self.failureReason = failureReason
        self.commentId = commentId
        self.threadId = threadId
    }

    /// What makes two deliveries of one event the same notification.
    public var dedupeKey: String {
        if let commentId { return "comment:\(commentId)" }
        return "video:\(videoId ?? "")"
    }
}

/// A stored notification as the feed shows it.
public struct StoredNotification: Sendable, Equatable {
    public var id: Int64
    public var userId: String
    public var type: String
    public var createdAt: String
    public var read: Bool
    public var actorId: String?
    public var videoId: String?
    public var videoTitle: String?
    public var failureReason: String?
    public var commentId: String?
    public var threadId: String?
}
