import ReelConcurrency
import ReelMedia
import ReelPluginKit
import ReelPostgres

/// `reel_transcode_*` (README, "Plugin metrics"). The ladder is encoded in
/// one pass (one decode feeding every rung's encoder), so each rung of a job
/// observes that pass's wall time and the realtime factor it reached
/// (seconds of media per second of encoding).
struct TranscodeMetrics: Sendable {
    static let states = ["queued", "running", "succeeded", "failed", "cancelled"]

    let queueJobs: GaugeMetric
    let finished: CounterMetric
    let failed: CounterMetric
    let retried: CounterMetric
    let encodeSeconds: HistogramMetric
    let realtimeFactor: HistogramMetric

    init(_ metrics: PluginMetrics) {
        queueJobs = metrics.gauge("reel_transcode_queue_jobs", help: "Transcode jobs in the queue, by state", labels: ["state"])
        finished = metrics.counter("reel_transcode_jobs_finished_total", help: "Transcode jobs this host finished")
        failed = metrics.counter("reel_transcode_jobs_failed_total", help: "Transcode jobs that failed for good on this host")
        retried = metrics.counter("reel_transcode_jobs_retried_total", help: "Failed transcode attempts queued again for a retry")
        encodeSeconds = metrics.histogram("reel_transcode_encode_duration_seconds", help: "Wall time of a job's ladder encode, per rung",
                                          labels: ["rung"], buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600])
        realtimeFactor = metrics.histogram("reel_transcode_realtime_factor", help: "Seconds of media encoded per second of wall time, per rung",
                                           labels: ["rung"], buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20])
    }

    /// A ladder encode that started at `start` and succeeded now.
    func encoded(_ result: TranscodeResult, since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        guard seconds > 0 else { return }
        for rendition in result.renditions {
            encodeSeconds.observe(seconds, rendition.rung.name)
            realtimeFactor.observe(result.durationSeconds / seconds, rendition.rung.name)
        }
    }

    /// Jobs by state, read from the queue (shared by every worker host).
    func updateQueue(_ database: PostgresClient) async throws {
        let rows = try await database.query("SELECT state, count(*)::bigint AS jobs FROM transcoder.jobs GROUP BY state")
        var counts: [String: Int64] = [:]
        for row in rows {
            if let state = try row.string("state"), let jobs = try row.int64("jobs") { counts[state] = jobs }
        }
        for state in Self.states { queueJobs.set(Double(counts[state] ?? 0), state) }
    }
}

/// Reads the queue's depth for `reel_transcode_queue_jobs` every few seconds.
struct QueueDepthLoop: Sendable {
    let host: PluginHost
    let database: PostgresClient
    let metrics: TranscodeMetrics
    let loop = PollingLoop(everySeconds: 5)

    func run() async {
        let failing = LockedBox(false)
        await loop.run {
            do {
                try await metrics.updateQueue(database)
                failing.withLock { $0 = false }
            } catch {
                // Once per outage, not every round.
                if !failing.withLock({ f in defer { f = true }; return f }) {
                    host.log(.warn, "reading the queue depth failed: \(error)")
                }
            }
        }
    }
}
