import Foundation
import ReelPluginKit
import ReelPostgres

/// Delivers the transcode outbox to reel.transcoder.v1.TranscoderService/EnqueueJob
/// over the bus: at least once, retrying with exponential backoff (capped at
/// a minute) until the transcoder answers OK. While no transcoder is loaded
/// the bus answers UNIMPLEMENTED and jobs simply stay pending.
final class OutboxDelivery: Sendable {
    static let method = "reel.transcoder.v1.TranscoderService/EnqueueJob"
    static let maxBackoffSeconds = 60
    /// How long a claimed job is left alone by other pollers.
    static let leaseSeconds = 120

    private let host: PluginHost
    private let database: PostgresClient
    private let loop: PollingLoop

    init(host: PluginHost, database: PostgresClient, pollSeconds: Int) {
        self.host = host
        self.database = database
        self.loop = PollingLoop(everySeconds: Double(pollSeconds), step: .milliseconds(250))
    }

    /// Asks for a delivery round now (a job was just queued).
    func wake() { loop.wake() }

    /// The loop, until its task is cancelled.
    func run() async { await loop.run { await self.deliverDue() } }

    /// One round: every due job, one bus call each.
    func deliverDue() async {
        let jobs: [OutboxStore.Job]
        do {
            jobs = try await database.withConnection { c in
                try OutboxStore.claimDue(c, limit: 20, leaseSeconds: Self.leaseSeconds)
            }
        } catch {
            host.log(.warn, "transcode outbox: reading due jobs failed: \(error)")
            return
        }
        for job in jobs {
            await deliver(job)
        }
    }

    private func deliver(_ job: OutboxStore.Job) async {
        do {
            _ = try await host.call(Self.method, EventMessages.enqueueJob(job))
            try await database.withConnection { c in try OutboxStore.markDelivered(c, videoId: job.videoId) }
            host.log(.info, "transcode job for video \(job.videoId) delivered (attempt \(job.attempts))")
        } catch {
            let message = (error as? PluginError).map { "\($0.code): \($0.message)" } ?? "\(error)"
            let backoff = min(1 << min(job.attempts, 10), Self.maxBackoffSeconds)
            // The first failure and then every tenth, not a line a minute forever.
            if job.attempts == 1 || job.attempts % 10 == 0 {
                host.log(.info, "transcode job for video \(job.videoId) still pending after attempt \(job.attempts) "
                         + "(\(message)); retrying in \(backoff) s")
            }
            do {
                try await database.withConnection { c in
                    try OutboxStore.markFailed(c, videoId: job.videoId, error: message, retryInSeconds: backoff)
                }
            } catch {
                host.log(.warn, "transcode outbox: recording a failed delivery failed: \(error)")
            }
        }
    }
}
