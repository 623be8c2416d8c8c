import ReelPluginKit

/// `reel_notification_*` (README, "Plugin metrics"): notifications written
/// by fan-out to a creator's followers, and emails waiting in the outbox
/// (read after each delivery round; the outbox is shared by every host).
struct NotificationMetrics: Sendable {
    let fanOut: CounterMetric
    let emailOutboxDepth: GaugeMetric

    init(_ metrics: PluginMetrics) {
        fanOut = metrics.counter("reel_notification_fanout_total", help: "Notifications written by fan-out to followers")
        emailOutboxDepth = metrics.gauge("reel_notification_email_outbox_depth", help: "Emails in the outbox not sent yet")
    }
}
