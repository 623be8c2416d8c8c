import Foundation

/// Writes the email for a notification: subject and both bodies, with the
/// links built on the instance's public URL.
public struct MailComposer: Sendable {
    public var publicURL: String
    public var from: String

    public init(publicURL: String, from: String) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.from = from
    }

    public func compose(_ n: StoredNotification, to email: String, actorName: String?) -> MailMessage {
        let title = n.videoTitle ?? "your video"
        let who = actorName ?? "Someone"
        let subject: String
        let line: String
        switch NotificationType(rawValue: n.type) {
        case .videoReady: (subject, line) = ("Your video is ready: \(title)", "Your video \"\(title)\" is ready to watch.")
        case .videoFailed:
            (subject, line) = ("Your video could not be processed: \(title)",
                               "Your video \"\(title)\" could not be processed: \(n.failureReason ?? "transcoding failed").")
        case .subscriptionVideo: (subject, line) = ("\(who) published \(title)", "\(who) published a new video: \"\(title)\".")
        case .commentOnMyVideo: (subject, line) = ("\(who) commented on \(title)", "\(who) commented on your video \"\(title)\".")
        case .commentReply: (subject, line) = ("\(who) replied to your comment", "\(who) replied to your comment on \"\(title)\".")
        case nil: (subject, line) = ("Reel notification", "You have a new notification.")
        }
        let link = n.videoId.map { "\(publicURL)/watch/\($0)" } ?? "\(publicURL)/notifications"
        let unsubscribe = "\(publicURL)/settings/notifications?unsubscribe=\(n.type)"
        let text = "\(line)\n\n\(link)\n\n--\nStop these emails: \(unsubscribe)\n"
        let html = """
            <!doctype html><html><body><p>\(Self.escape(line))</p>\
            <p><a href="\(Self.escape(link))">\(Self.escape(link))</a></p>\
            <hr><p><small><a href="\(Self.escape(unsubscribe))">Stop these emails</a></small></p></body></html>
            """
        let host = URL(string: publicURL)?.host ?? "reel.local"
        return MailMessage(from: from, to: email, subject: subject, text: text, html: html,
                           messageId: "notification-\(n.id)@\(host)", unsubscribeURL: unsubscribe)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
