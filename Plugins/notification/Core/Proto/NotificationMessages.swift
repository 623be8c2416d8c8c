import CReelProtoNotification
import ReelPluginKit

/// Builds the reel.notification.v1 messages the methods answer.
enum NotificationMessages {
    /// One Notification, packed (what Stream sends and the SSE `data:` carries as JSON).
    static func notification(_ n: StoredNotification, names: [String: String]) -> [UInt8] {
        let arena = ProtoArena()
        var m = fill(n, names: names, arena: arena)
        return Proto.pack(&m)
    }

    static func page(_ items: [StoredNotification], names: [String: String], nextCursor: String?, unreadCount: Int) -> [UInt8] {
        let arena = ProtoArena()
        var page = Reel__Notification__V1__NotificationPage()
        reel__notification__v1__notification_page__init(&page)
        let array = arena.allocate(UnsafeMutablePointer<Reel__Notification__V1__Notification>?.self, count: items.count)
        for (index, item) in items.enumerated() { array[index] = arena.box(fill(item, names: names, arena: arena)) }
        page.n_items = items.count
        page.items = items.isEmpty ? nil : array
        page.next_cursor = arena.string(nextCursor)
        page.has_unread_count = 1
        page.unread_count = Int32(clamping: unreadCount)
        return Proto.pack(&page)
    }

    private static func fill(_ n: StoredNotification, names: [String: String], arena: ProtoArena) -> Reel__Notification__V1__Notification {
        var m = Reel__Notification__V1__Notification()
        reel__notification__v1__notification__init(&m)
        m.id = arena.string(String(n.id))
        m.type = arena.string(n.type)
        m.created_at = arena.string(n.createdAt)
        m.has_read = 1
        m.read = n.read ? 1 : 0
        if let actorId = n.actorId {
            var actor = Reel__Notification__V1__Actor()
            reel__notification__v1__actor__init(&actor)
            actor.id = arena.string(actorId)
            actor.display_name = arena.string(names[actorId])
            m.actor = arena.box(actor)
        }
        if let videoId = n.videoId {
            var video = Reel__Notification__V1__NotificationVideo()
            reel__notification__v1__notification_video__init(&video)
            video.id = arena.string(videoId)
            video.title = arena.string(n.videoTitle)
            video.failure_reason = arena.string(n.failureReason)
            m.video = arena.box(video)
        }
        if let commentId = n.commentId {
            var comment = Reel__Notification__V1__NotificationComment()
            reel__notification__v1__notification_comment__init(&comment)
            comment.id = arena.string(commentId)
            comment.thread_id = arena.string(n.threadId)
            m.comment = arena.box(comment)
        }
        return m
    }

    static func subscriptions(_ rows: [SubscriptionStore.Row], names: [String: String], nextCursor: String?) -> [UInt8] {
        let arena = ProtoArena()
        var page = Reel__Notification__V1__SubscriptionPage()
        reel__notification__v1__subscription_page__init(&page)
        let array = arena.allocate(UnsafeMutablePointer<Reel__Notification__V1__Subscription>?.self, count: rows.count)
        for (index, row) in rows.enumerated() {
            var s = Reel__Notification__V1__Subscription()
            reel__notification__v1__subscription__init(&s)
            s.creator_id = arena.string(row.creatorId)
            s.display_name = arena.string(names[row.creatorId])
            s.created_at = arena.string(row.createdAt)
            array[index] = arena.box(s)
        }
        page.n_items = rows.count
        page.items = rows.isEmpty ? nil : array
        page.next_cursor = arena.string(nextCursor)
        return Proto.pack(&page)
    }

    static func ticket(_ ticket: String, expiresIn: Int) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Notification__V1__StreamTicket()
        reel__notification__v1__stream_ticket__init(&m)
        m.ticket = arena.string(ticket)
        m.has_expires_in = 1
        m.expires_in = Int32(expiresIn)
        return Proto.pack(&m)
    }

    static func settings(_ settings: NotificationSettings) -> [UInt8] {
        let arena = ProtoArena()
        var m = Reel__Notification__V1__NotificationSettings()
        reel__notification__v1__notification_settings__init(&m)
        func channels(_ type: NotificationType) -> UnsafeMutablePointer<Reel__Notification__V1__Channels> {
            var c = Reel__Notification__V1__Channels()
            reel__notification__v1__channels__init(&c)
            c.has_web = 1
            c.web = settings[type].web ? 1 : 0
            c.has_email = 1
            c.email = settings[type].email ? 1 : 0
            return arena.box(c)
        }
        m.video_ready = channels(.videoReady)
        m.video_failed = channels(.videoFailed)
        m.subscription_video = channels(.subscriptionVideo)
        m.comment_on_my_video = channels(.commentOnMyVideo)
        m.comment_reply = channels(.commentReply)
        return Proto.pack(&m)
    }

    /// The types a settings update names, with their new channels (a channel
    /// left out keeps its current value).
    static func settingsChanges(_ bytes: [UInt8], current: NotificationSettings) throws(PluginError) -> [NotificationType: Channels] {
        let unpacked = try Proto.unpack(bytes, as: Reel__Notification__V1__NotificationSettings.self,
                                        "reel.notification.v1.NotificationSettings")
        defer { withExtendedLifetime(unpacked) {} } // its strings are read below
        let m = unpacked.message
        var changes: [NotificationType: Channels] = [:]
        let fields: [(NotificationType, UnsafeMutablePointer<Reel__Notification__V1__Channels>?)] = [
            (.videoReady, m.video_ready), (.videoFailed, m.video_failed), (.subscriptionVideo, m.subscription_video),
            (.commentOnMyVideo, m.comment_on_my_video), (.commentReply, m.comment_reply),
        ]
        for (type, pointer) in fields {
            guard let c = pointer?.pointee else { continue }
            var channels = current[type]
            if c.has_web != 0 { channels.web = c.web != 0 }
            if c.has_email != 0 { channels.email = c.email != 0 }
            changes[type] = channels
        }
        return withExtendedLifetime(unpacked) { changes }
    }
}
