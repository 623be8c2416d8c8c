import ReelPluginKit

/// `reel_upload_*` (README, "Plugin metrics"): tus uploads created, uploads
/// completed (probed and stored as a video), and body bytes stored by PATCH.
struct UploadMetrics: Sendable {
    let started: CounterMetric
    let completed: CounterMetric
    let bytes: CounterMetric

    init(_ metrics: PluginMetrics) {
        started = metrics.counter("reel_upload_started_total", help: "tus uploads created (POST accepted)")
        completed = metrics.counter("reel_upload_completed_total", help: "Uploads completed and stored as videos")
        bytes = metrics.counter("reel_upload_bytes_total", help: "Upload body bytes received and stored by tus PATCH")
    }
}
