import Foundation
import ReelPostgres
import ReelTestSupport
import XCTest
@testable import TranscoderCore

/// The queue's SQL against a real PostgreSQL (REEL_TEST_DATABASE_URL): claims
/// with SKIP LOCKED, leases, retries, exhaustion, cancellation, reports.
final class JobStoreTests: XCTestCase {
    private var database: TestDatabase!
    private var c: PostgresConnection!

    override func setUpWithError() throws {
        database = try TestDatabase.create(prefix: "reel_transcoder_test")
        c = try connect()
        XCTAssertEqual(try TranscoderSchema.migrator.migrate(c), [1])
    }

    override func tearDown() {
        c = nil
        database?.drop()
    }

    private func connect() throws -> PostgresConnection { try database.connect() }

    private func enqueue(maxAttempts: Int = 3) throws -> Job {
        let video = UUID().uuidString.lowercased()
        return try JobStore.enqueue(c, videoId: video, ownerId: "owner", sourceKey: "videos/\(video)/source/a.mp4",
                                    sourceDuration: 12, maxAttempts: maxAttempts)
    }

    private func lease(_ job: Job, _ worker: String) -> Lease { Lease(jobId: job.id, attempt: job.attempts, worker: worker) }

    /// Moves a running job's lease into the past, as if its worker died.
    private func expireLease(_ job: Job) throws {
        try c.query("UPDATE transcoder.jobs SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE id = $1",
                    [.string(job.id)])
    }

    func testEnqueueIsIdempotentPerVideo() throws {
        let job = try enqueue()
        let again = try JobStore.enqueue(c, videoId: job.videoId, ownerId: "x", sourceKey: "videos/other/source/b.mp4",
                                         sourceDuration: nil, maxAttempts: 9)
        XCTAssertEqual(again.id, job.id)
        XCTAssertEqual(again.sourceKey, job.sourceKey)
        XCTAssertEqual(again.state, .queued)
        XCTAssertEqual(try c.query("SELECT count(*)::int AS n FROM transcoder.jobs").first?.int("n"), 1)
    }

    func testTwoWorkersNeverClaimTheSameJob() throws {
        let first = try enqueue(), second = try enqueue()
        let other = try connect()
        // Worker A holds its claim's row lock in an open transaction while B claims.
        try c.execute("BEGIN")
        let a = try JobStore.claim(c, worker: "A", leaseSeconds: 30)
        let b = try JobStore.claim(other, worker: "B", leaseSeconds: 30)
        try c.execute("COMMIT")
        XCTAssertEqual(Set([a?.id, b?.id].compactMap { $0 }), Set([first.id, second.id]))
        XCTAssertEqual(a?.state, .running)
        XCTAssertEqual(a?.attempts, 1)
        XCTAssertNil(try JobStore.claim(c, worker: "C", leaseSeconds: 30))
    }

    func testExpiredLeaseIsClaimedAgainAndTheOldWorkerIsLockedOut() throws {
        _ = try enqueue()
        let claimed = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        let a = lease(claimed, "A")
        XCTAssertTrue(try JobStore.heartbeat(c, a, leaseSeconds: 30, progress: 40, rungsDone: 0, rungsTotal: 3))
        XCTAssertNil(try JobStore.claim(c, worker: "B", leaseSeconds: 30), "a live lease is not taken")
        try expireLease(claimed)
        let retaken = try XCTUnwrap(JobStore.claim(c, worker: "B", leaseSeconds: 30))
        XCTAssertEqual(retaken.attempts, 2)
        XCTAssertEqual(retaken.progress, 0)
        XCTAssertEqual(retaken.leaseOwner, "B")
        // A comes back to life: every write of its attempt is refused.
        XCTAssertFalse(try JobStore.heartbeat(c, a, leaseSeconds: 30, progress: 50, rungsDone: 0, rungsTotal: 3))
        XCTAssertFalse(try JobStore.succeed(c, a, .init(hlsKey: "x/master.m3u8", dashKey: nil, posterKey: nil,
                                                          thumbnailKeys: [], durationSeconds: 1, rungs: 1)))
        XCTAssertFalse(try JobStore.fail(c, a, reason: "late", retryInSeconds: nil))
        XCTAssertEqual(try JobStore.byVideo(c, claimed.videoId)?.state, .running)
    }

    func testRetriesWaitForTheirBackoffThenFailAfterMaxAttempts() throws {
        let job = try enqueue(maxAttempts: 2)
        let first = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        XCTAssertTrue(try JobStore.fail(c, lease(first, "A"), reason: "disk full", retryInSeconds: 60))
        var row = try XCTUnwrap(JobStore.byVideo(c, job.videoId))
        XCTAssertEqual(row.state, .queued)
        XCTAssertEqual(row.failureReason, "disk full")
        XCTAssertNil(try JobStore.claim(c, worker: "A", leaseSeconds: 30), "not before its backoff")
        try c.query("UPDATE transcoder.jobs SET run_after = clock_timestamp() WHERE id = $1", [.string(job.id)])
        let second = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        XCTAssertEqual(second.attempts, 2)
        // The last attempt's worker dies: no third claim, the job fails with a reason.
        try expireLease(second)
        XCTAssertNil(try JobStore.claim(c, worker: "B", leaseSeconds: 30))
        let failed = try JobStore.failExhausted(c)
        XCTAssertEqual(failed.map(\.id), [job.id])
        row = try XCTUnwrap(JobStore.byVideo(c, job.videoId))
        XCTAssertEqual(row.state, .failed)
        XCTAssertTrue(row.failureReason?.contains("2 times") == true, row.failureReason ?? "")
    }

    func testPermanentFailureAndSuccessAreReported() throws {
        let job = try enqueue()
        let claimed = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        let before = try JobStore.unreported(c, limit: 10)
        XCTAssertEqual(before.map(\.id), [job.id], "the claim itself is news for the video (progress 0)")
        try JobStore.markReported(c, jobId: job.id, version: before[0].reportVersion)
        XCTAssertTrue(try JobStore.unreported(c, limit: 10).isEmpty)
        XCTAssertTrue(try JobStore.succeed(c, lease(claimed, "A"), .init(
            hlsKey: "videos/v/streams/a1/master.m3u8", dashKey: "videos/v/streams/a1/manifest.mpd",
            posterKey: "videos/v/streams/a1/poster.jpg", thumbnailKeys: ["videos/v/streams/a1/thumbs/thumb-01.jpg"],
            durationSeconds: 11.9, rungs: 3)))
        let done = try XCTUnwrap(JobStore.unreported(c, limit: 10).first)
        XCTAssertEqual(done.state, .succeeded)
        XCTAssertEqual(done.thumbnailKeys, ["videos/v/streams/a1/thumbs/thumb-01.jpg"])
        XCTAssertEqual(done.rungsDone, 3)
        XCTAssertEqual(done.progress, 100)
        XCTAssertEqual(VideoReporter.report(for: done).method, "MarkReady")

        let broken = try enqueue()
        let attempt = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        XCTAssertTrue(try JobStore.fail(c, lease(attempt, "A"), reason: "the source cannot be read", retryInSeconds: nil))
        let failed = try XCTUnwrap(JobStore.byVideo(c, broken.videoId))
        XCTAssertEqual(failed.state, .failed)
        XCTAssertEqual(VideoReporter.report(for: failed).method, "MarkFailed")
    }

    func testOutputsOfDeadAttemptsAreAbandonedButNotTheLiveOne() throws {
        _ = try enqueue()
        let first = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        XCTAssertTrue(try JobStore.recordOutput(c, lease(first, "A"), prefix: "videos/v/streams/a1-x/"))
        XCTAssertEqual(try JobStore.abandonedOutputs(c, limit: 10), [], "the running attempt's folder is kept")
        try expireLease(first)
        XCTAssertEqual(try JobStore.abandonedOutputs(c, limit: 10), ["videos/v/streams/a1-x/"])
        let second = try XCTUnwrap(JobStore.claim(c, worker: "B", leaseSeconds: 30))
        XCTAssertTrue(try JobStore.recordOutput(c, lease(second, "B"), prefix: "videos/v/streams/a2-y/"))
        XCTAssertEqual(try JobStore.abandonedOutputs(c, limit: 10), ["videos/v/streams/a1-x/"])
        XCTAssertTrue(try JobStore.succeed(c, lease(second, "B"), .init(hlsKey: "videos/v/streams/a2-y/master.m3u8", dashKey: nil,
                                                                       posterKey: nil, thumbnailKeys: [], durationSeconds: 1, rungs: 1)))
        XCTAssertEqual(try JobStore.abandonedOutputs(c, limit: 10), ["videos/v/streams/a1-x/"], "the published one stays")
        try JobStore.forgetOutput(c, prefix: "videos/v/streams/a1-x/")
        XCTAssertEqual(try JobStore.abandonedOutputs(c, limit: 10), [])
    }

    func testCancelStopsTheRunningAttemptAndIsNotReported() throws {
        let job = try enqueue()
        let claimed = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        XCTAssertEqual(try JobStore.cancel(c, videoId: job.videoId)?.state, .cancelled)
        XCTAssertFalse(try JobStore.heartbeat(c, lease(claimed, "A"), leaseSeconds: 30, progress: 10, rungsDone: 0, rungsTotal: 1))
        XCTAssertTrue(try JobStore.unreported(c, limit: 10).isEmpty)
        XCTAssertNil(try JobStore.cancel(c, videoId: job.videoId), "cancelling twice changes nothing")
    }

    func testReleaseRequeuesAtOnceWithoutCostingAnAttempt() throws {
        let job = try enqueue(maxAttempts: 1)
        let claimed = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        XCTAssertTrue(try JobStore.release(c, lease(claimed, "A")))
        let again = try XCTUnwrap(JobStore.claim(c, worker: "B", leaseSeconds: 30))
        XCTAssertEqual(again.id, job.id)
        XCTAssertEqual(again.attempts, 2)
        XCTAssertEqual(again.maxAttempts, 2)
    }

    func testProgressIsNewsOnlyWhenItChanges() throws {
        _ = try enqueue()
        let claimed = try XCTUnwrap(JobStore.claim(c, worker: "A", leaseSeconds: 30))
        let a = lease(claimed, "A")
        try JobStore.markReported(c, jobId: claimed.id, version: claimed.reportVersion)
        XCTAssertTrue(try JobStore.heartbeat(c, a, leaseSeconds: 30, progress: 0, rungsDone: 0, rungsTotal: 0))
        XCTAssertTrue(try JobStore.unreported(c, limit: 10).isEmpty, "a bare lease renewal is not news")
        XCTAssertTrue(try JobStore.heartbeat(c, a, leaseSeconds: 30, progress: 25, rungsDone: 0, rungsTotal: 4))
        let news = try XCTUnwrap(JobStore.unreported(c, limit: 10).first)
        XCTAssertEqual(news.progress, 25)
        XCTAssertEqual(news.rungsTotal, 4)
        XCTAssertTrue(try JobStore.publishLive(c, a, hlsKey: "videos/v/streams/a1/master.m3u8"))
        XCTAssertEqual(try JobStore.unreported(c, limit: 10).first?.liveHLSKey, "videos/v/streams/a1/master.m3u8")
    }
}
