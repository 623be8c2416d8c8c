import ReelPluginKit

/// The plugin's settings. Its own keys are `REEL_NOTIFICATION_*`; the SMTP
/// ones also answer to the operator-facing names `REEL_SMTP_*` (read when the
/// host lets the plugin see them, e.g. `REEL_CONFIG_GRANTS=notification:REEL_SMTP_*`).
struct NotificationConfig: Sendable {
    var smtpURL: String?
    var smtpFrom: String
    var smtpUsername: String?
    var smtpPassword: String?
    /// Where mail goes without an SMTP server.
    var mailDirectory: String
    var publicURL: String
    var fanOutBatch: Int
    var mailPollSeconds: Int
    var mailMaxBackoffSeconds: Int
    /// The live streams' heartbeat (a comment line), at most 25 s.
    var heartbeatSeconds: Int
    /// Bus events wait this long in the inbox before they are handled (0;
    /// tests set it to stop the host between recording and handling).
    var inboxHoldSeconds: Int

    init(_ lookup: (String) -> String?) throws(PluginError) {
        func value(_ key: String) -> String? {
            let text = lookup("REEL_NOTIFICATION_" + key) ?? lookup("REEL_" + key)
            return text?.isEmpty == false ? text : nil
        }
        smtpURL = value("SMTP_URL")
        smtpFrom = value("SMTP_FROM") ?? "Reel <reel@localhost>"
        smtpUsername = value("SMTP_USERNAME")
        smtpPassword = value("SMTP_PASSWORD")
        let dataDir = lookup("REEL_DATA_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? ".reel"
        mailDirectory = lookup("REEL_NOTIFICATION_MAIL_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? dataDir + "/mail"
        let port = lookup("REEL_HTTP_PORT") ?? "8080"
        publicURL = lookup("REEL_PUBLIC_URL").flatMap { $0.isEmpty ? nil : $0 } ?? "http://127.0.0.1:\(port)"
        fanOutBatch = try PluginConfig.positive("REEL_NOTIFICATION_FANOUT_BATCH", default: 1000, from: lookup)
        mailPollSeconds = try PluginConfig.positive("REEL_NOTIFICATION_MAIL_POLL_SECONDS", default: 5, from: lookup)
        heartbeatSeconds = min(25, try PluginConfig.positive("REEL_NOTIFICATION_HEARTBEAT_SECONDS", default: 20, from: lookup))
        let hold = lookup("REEL_NOTIFICATION_INBOX_HOLD_SECONDS") ?? ""
        guard hold.isEmpty || Int(hold).map({ $0 >= 0 }) == true else {
            throw .invalidArgument("REEL_NOTIFICATION_INBOX_HOLD_SECONDS must be a whole number of seconds, not \(hold)")
        }
        inboxHoldSeconds = Int(hold) ?? 0
        mailMaxBackoffSeconds = try PluginConfig.positive("REEL_NOTIFICATION_MAIL_MAX_BACKOFF_SECONDS", default: 300, from: lookup)
    }
}
