import Foundation
import ReelConcurrency
import ReelMedia
import ReelPluginKit
import ReelPostgres
import ReelStorage

/// Runs claimed attempts: fetches the source, encodes on a dedicated media
/// thread (never the cooperative pool or an HTTP thread), publishes the
/// stream progressively, renews the lease, and records the outcome.
///
/// Each attempt writes under its own storage prefix
/// (`videos/<id>/streams/<attempt tag>/`); the job row points at it only when
/// it has succeeded. A failed, cancelled or superseded attempt deletes its
/// prefix (or the janitor does, if its process died), so a retry never
/// leaves a half-published stream behind.
final class JobRunner: Sendable {
    let host: PluginHost
    let database: PostgresClient
    let storage: any ObjectStorage
    let config: TranscoderConfig
    let metrics: TranscodeMetrics
    /// One thread per concurrent job; libx264 starts its own threads.
    private let mediaThreads: BlockingThreads
    private let active = LockedBox<[String: ActiveAttempt]>([:])

    /// What stopped an attempt before it finished.
    enum StopReason: Sendable { case leaseLost, shutdown, stalled }

    private final class ActiveAttempt: Sendable {
        let cancellation = TranscodeCancellation()
        let stopReason = LockedBox<StopReason?>(nil)

        func stop(_ reason: StopReason) {
            stopReason.withLock { if $0 == nil { $0 = reason } }
            cancellation.cancel()
        }
    }

    /// What the heartbeat reports: the encoder's progress.
    private struct Status: Sendable {
        var fraction = 0.0
        var rungsTotal = 0
    }

    init(host: PluginHost, database: PostgresClient, storage: any ObjectStorage, config: TranscoderConfig) {
        self.host = host
        self.database = database
        self.storage = storage
        self.config = config
        metrics = TranscodeMetrics(host.metrics)
        mediaThreads = BlockingThreads(name: "reel-transcode", limit: config.maxJobs, idleSeconds: 30)
    }

    var activeCount: Int { active.withLock { $0.count } }

    /// Stops every running attempt; each gives its job back.
    func stopAll() {
        active.withLock { $0.values.forEach { $0.stop(.shutdown) } }
    }

    func run(_ job: Job) async {
        let lease = Lease(jobId: job.id, attempt: job.attempts, worker: config.workerName)
        let attempt = ActiveAttempt()
        active.withLock { $0[job.id] = attempt }
        defer { active.withLock { _ = $0.removeValue(forKey: job.id) } }

        let tag = "a\(lease.attempt)-" + String(UUID().uuidString.lowercased().prefix(8))
        let prefix = "videos/\(job.videoId)/streams/\(tag)/"
        let work = WorkDirectory(root: config.workDirectory, lease: lease)
        defer { work.remove() }
        host.log(.info, "transcode of video \(job.videoId) started (job \(job.id), attempt \(lease.attempt) of \(job.maxAttempts))")

        do {
            guard try await database.withConnection({ c in try JobStore.recordOutput(c, lease, prefix: prefix) }) else {
                host.log(.info, "transcode of video \(job.videoId): the job was taken back before it started")
                return
            }
        } catch {
            host.log(.warn, "transcode of video \(job.videoId): cannot record its output folder: \(error)")
            await giveBack(lease, reason: "database error: \(error)", retry: true, job: job)
            return
        }

        let status = LockedBox(Status())
        let heartbeat = Task { await self.heartbeat(lease, status: status, attempt: attempt) }
        let publisher = StreamPublisher(storage: storage, directory: work.output, prefix: prefix)
        let publishing = Task { await self.publishProgressively(publisher, lease: lease, videoId: job.videoId) }
        let outcome = await encodeAndPublish(job, work: work, publisher: publisher, attempt: attempt, status: status)
        publishing.cancel()
        heartbeat.cancel()
        await publishing.value
        await heartbeat.value

        switch outcome {
        case .success(let output):
            await finish(lease, job: job, output: output, prefix: prefix)
        case .failure(let error):
            try? await storage.delete(prefix: prefix)
            switch attempt.stopReason.withLock({ $0 }) {
            case .shutdown?:
                await release(lease, job: job)
            case .leaseLost?:
                host.log(.info, "transcode of video \(job.videoId) stopped: the job is no longer this worker's")
            case .stalled?:
                await giveBack(lease, reason: "the encode made no progress for \(config.stallSeconds) s", retry: true, job: job)
            case nil:
                await giveBack(lease, reason: Self.describe(error), retry: !Self.isPermanent(error), job: job)
            }
            try? await database.withConnection { c in try JobStore.forgetOutput(c, prefix: prefix) }
        }
    }

    private func encodeAndPublish(_ job: Job, work: WorkDirectory, publisher: StreamPublisher, attempt: ActiveAttempt,
                                  status: LockedBox<Status>) async -> Result<JobOutput, any Error> {
        do {
            try work.create()
            let source = try await SourceFetcher.localCopy(of: job.sourceKey, from: storage, to: work.source)
            let options = TranscodeOptions(preset: config.preset, threads: config.threadsPerJob, firstSegmentSeconds: 2)
            let cancellation = attempt.cancellation
            let output = work.output
            let encodeStarted = ContinuousClock.now
            let result = try await mediaThreads.run { () throws -> TranscodeResult in
                let ladder = try LadderTranscoder.ladder(for: source)
                status.withLock { $0.rungsTotal = max(ladder.rungs.count, 1) }
                return try LadderTranscoder(options: options).transcode(
                    source: source, outputDirectory: output, ladder: ladder, cancellation: cancellation,
                    progress: { fraction in status.withLock { $0.fraction = fraction } })
            }
            metrics.encoded(result, since: encodeStarted)
            try await publisher.publishFinal()
            let prefix = publisher.prefix
            func key(_ path: String?) -> String? {
                guard let path, path.hasPrefix(output + "/") else { return nil }
                return prefix + path.dropFirst(output.count + 1)
            }
            return .success(JobOutput(
                hlsKey: publisher.masterKey, dashKey: key(result.dashManifestPath), posterKey: key(result.posterPath),
                thumbnailKeys: result.thumbnailPaths.compactMap { key($0) }, durationSeconds: result.durationSeconds,
                rungs: max(result.renditions.count, 1)))
        } catch {
            return .failure(error)
        }
    }

    /// Renews the lease and writes progress: every second when progress
    /// moved, at least every `heartbeatSeconds`. A refused renewal stops the
    /// attempt (another worker has the job, or it was cancelled).
    private func heartbeat(_ lease: Lease, status: LockedBox<Status>, attempt: ActiveAttempt) async {
        var last = (percent: -1, rungsTotal: -1)
        var lastWrite = ContinuousClock.now
        var lastMove = (fraction: -1.0, at: ContinuousClock.now)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { return }
            let now = status.withLock { $0 }
            if now.fraction != lastMove.fraction {
                lastMove = (now.fraction, ContinuousClock.now)
            } else if ContinuousClock.now - lastMove.at >= .seconds(config.stallSeconds) {
                // A watchdog: libav stuck on a pathological input must not
                // hold the job (and this worker's slot) forever.
                attempt.stop(.stalled)
                return
            }
            let percent = min(99, Int(now.fraction * 100))
            let due = ContinuousClock.now - lastWrite >= .seconds(config.heartbeatSeconds)
            guard due || percent != last.percent || now.rungsTotal != last.rungsTotal else { continue }
            do {
                let held = try await database.withConnection { [config] c in
                    try JobStore.heartbeat(c, lease, leaseSeconds: config.leaseSeconds, progress: percent,
                                           rungsDone: 0, rungsTotal: now.rungsTotal)
                }
                lastWrite = ContinuousClock.now
                last = (percent, now.rungsTotal)
                if !held {
                    attempt.stop(.leaseLost)
                    return
                }
            } catch {
                host.log(.warn, "transcode job \(lease.jobId): renewing the lease failed: \(error)")
            }
        }
    }

    /// Uploads new segments twice a second; records the live stream once
    /// every rendition has its first segment.
    private func publishProgressively(_ publisher: StreamPublisher, lease: Lease, videoId: String) async {
        var failures = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            if Task.isCancelled { return }
            do {
                if try await publisher.publishProgress() {
                    _ = try await database.withConnection { c in try JobStore.publishLive(c, lease, hlsKey: publisher.masterKey) }
                    host.log(.info, "video \(videoId) is playable while it transcodes (\(publisher.masterKey))")
                }
                failures = 0
            } catch {
                failures += 1
                if failures == 1 { host.log(.warn, "transcode of video \(videoId): progressive publishing failed: \(error)") }
            }
        }
    }

    private func finish(_ lease: Lease, job: Job, output: JobOutput, prefix: String) async {
        do {
            let recorded = try await database.withConnection { c in try JobStore.succeed(c, lease, output) }
            if recorded {
                metrics.finished.increment()
                host.log(.info, "transcode of video \(job.videoId) done: \(output.rungs) renditions at \(output.hlsKey)")
                await sweepAbandonedOutputs()
            } else {
                host.log(.info, "transcode of video \(job.videoId) finished, but the job is no longer this worker's; discarded")
                try? await storage.delete(prefix: prefix)
            }
        } catch {
            // Not recorded: the lease runs out and another attempt redoes it;
            // the janitor deletes this folder then.
            host.log(.warn, "transcode of video \(job.videoId) finished but recording it failed: \(error)")
        }
    }

    /// A failed attempt: retried after a backoff while attempts remain and
    /// the problem is not the source itself; otherwise the job fails.
    private func giveBack(_ lease: Lease, reason: String, retry: Bool, job: Job) async {
        let retryIn = retry && lease.attempt < job.maxAttempts ? config.retryDelay(afterAttempt: lease.attempt) : nil
        do {
            _ = try await database.withConnection { c in try JobStore.fail(c, lease, reason: reason, retryInSeconds: retryIn) }
            if retryIn != nil { metrics.retried.increment() } else { metrics.failed.increment() }
            if let retryIn {
                host.log(.warn, "transcode of video \(job.videoId) failed (attempt \(lease.attempt)): \(reason); retrying in \(retryIn) s")
            } else {
                host.log(.warn, "transcode of video \(job.videoId) failed for good: \(reason)")
            }
        } catch {
            host.log(.warn, "transcode of video \(job.videoId): recording the failure failed (the lease will expire): \(error)")
        }
    }

    /// The host is stopping: the job goes back to the queue at once.
    private func release(_ lease: Lease, job: Job) async {
        do {
            _ = try await database.withConnection { c in try JobStore.release(c, lease) }
            host.log(.info, "transcode of video \(job.videoId) interrupted by shutdown; the job is queued again")
        } catch {
            host.log(.warn, "transcode of video \(job.videoId): giving the job back failed (the lease will expire): \(error)")
        }
    }
}
