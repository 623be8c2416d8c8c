import Foundation
import ReelConcurrency
import ReelPluginKit
import ReelPostgres

/// Takes jobs from the queue while this host has room for them
/// (`maxJobs`): woken by NOTIFY on `reel_transcoder_jobs` and by its own
/// finished jobs, and polling every `pollSeconds` for retries that came due
/// and leases that expired (a dead worker's job).
final class WorkerLoop: Sendable {
    private let host: PluginHost
    private let database: PostgresClient
    private let runner: JobRunner
    private let config: TranscoderConfig
    private let woken = LockedBox(false)
    private let running = LockedBox<[String: Task<Void, Never>]>([:])

    init(host: PluginHost, database: PostgresClient, runner: JobRunner, config: TranscoderConfig) {
        self.host = host
        self.database = database
        self.runner = runner
        self.config = config
    }

    func wake() { woken.withLock { $0 = true } }

    func run() async {
        await runner.sweepWorkDirectories()
        var rounds = 0
        while !Task.isCancelled {
            await claimWhileRoom()
            rounds += 1
            // The janitor on every twelfth round (a minute at the default poll).
            if rounds % 12 == 1 { await runner.sweepAbandonedOutputs() }
            for _ in 0..<(config.pollSeconds * 10) {
                if Task.isCancelled || woken.withLock({ w in defer { w = false }; return w }) { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Stops the running attempts (they give their jobs back) and waits for them.
    func drain() async {
        runner.stopAll()
        let tasks = running.withLock { Array($0.values) }
        for task in tasks { await task.value }
    }

    private func claimWhileRoom() async {
        do {
            let exhausted = try await database.withConnection { c in try JobStore.failExhausted(c) }
            for job in exhausted {
                host.log(.warn, "transcode of video \(job.videoId) failed for good: \(job.failureReason ?? "")")
            }
        } catch {
            host.log(.warn, "transcode queue: failing exhausted jobs failed: \(error)")
        }
        while !Task.isCancelled, running.withLock({ $0.count }) < config.maxJobs {
            let job: Job?
            do {
                job = try await database.withConnection { [config] c in
                    try JobStore.claim(c, worker: config.workerName, leaseSeconds: config.leaseSeconds)
                }
            } catch {
                host.log(.warn, "transcode queue: claiming a job failed: \(error)")
                return
            }
            guard let job else { return }
            start(job)
        }
    }

    private func start(_ job: Job) {
        let runner = self.runner
        running.withLock { tasks in
            tasks[job.id] = Task {
                await runner.run(job)
                self.running.withLock { _ = $0.removeValue(forKey: job.id) }
                self.wake()
            }
        }
    }
}
