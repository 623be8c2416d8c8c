import CReelABI
import Foundation
import ReelPluginKit
import ReelPostgres

/// The outbox from the job queue to reel.video.v1.VideoService: delivers
/// each changed job's current state (MarkProgress, MarkReady or MarkFailed)
/// over this host's bus. At least once and idempotent: the video plugin's
/// state machine ignores stale news (progress after ready answers
/// failed_precondition, which counts as delivered).
///
/// A worker-only host has no video plugin on its bus (UNIMPLEMENTED): it
/// leaves the row for a host that has one, which NOTIFY wakes.
final class VideoReporter: Sendable {
    static let service = "reel.video.v1.VideoService/"

    private let host: PluginHost
    private let database: PostgresClient
    private let loop: PollingLoop

    init(host: PluginHost, database: PostgresClient, pollSeconds: Int) {
        self.host = host
        self.database = database
        self.loop = PollingLoop(everySeconds: Double(pollSeconds))
    }

    /// Asks for a round now (a job changed).
    func wake() { loop.wake() }

    /// The loop, until its task is cancelled.
    func run() async { await loop.run { await self.deliverDue() } }

    func deliverDue() async {
        let jobs: [Job]
        do {
            jobs = try await database.withConnection { c in try JobStore.unreported(c, limit: 50) }
        } catch {
            host.log(.warn, "transcode reports: reading pending reports failed: \(error)")
            return
        }
        for job in jobs {
            if await !deliver(job) { return }  // no video service here: leave the rest too
        }
    }

    /// False when this host has no video service.
    private func deliver(_ job: Job) async -> Bool {
        let (method, payload) = Self.report(for: job)
        do {
            _ = try await host.call(Self.service + method, payload)
        } catch let error where error.code == REEL_UNIMPLEMENTED {
            return false
        } catch let error where error.code == REEL_NOT_FOUND || error.code == REEL_FAILED_PRECONDITION
                                || error.code == REEL_INVALID_ARGUMENT {
            // The video is gone or already past this news: nothing to deliver.
            if job.state.isFinal {
                host.log(.info, "transcode report \(method) for video \(job.videoId) not taken: \(error.message)")
            }
        } catch {
            let backoff = min(1 << min(job.reportAttempts, 6), 60)
            if job.reportAttempts == 0 || job.reportAttempts % 10 == 0 {
                host.log(.warn, "transcode report \(method) for video \(job.videoId) failed: \(error.message); retrying in \(backoff) s")
            }
            try? await database.withConnection { c in try JobStore.postponeReport(c, jobId: job.id, seconds: backoff) }
            return true
        }
        do {
            try await database.withConnection { c in try JobStore.markReported(c, jobId: job.id, version: job.reportVersion) }
        } catch {
            host.log(.warn, "transcode reports: recording a delivery failed: \(error)")
        }
        return true
    }

    static func report(for job: Job) -> (method: String, payload: [UInt8]) {
        switch job.state {
        case .succeeded: ("MarkReady", JobMessages.markReady(job))
        case .failed: ("MarkFailed", JobMessages.markFailed(job))
        case .queued, .running, .cancelled: ("MarkProgress", JobMessages.markProgress(job))
        }
    }
}
