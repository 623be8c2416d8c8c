import Foundation
import ReelPluginKit
import ReelPostgres
import ReelTestSupport
import XCTest
@testable import VideoCore

/// The video schema's SQL against a real PostgreSQL (REEL_TEST_DATABASE_URL):
/// the transcoder's state changes, keyset pages, the outbox's lease and backoff.
final class VideoStoreTests: XCTestCase {
    private var database: TestDatabase!
    private var c: PostgresConnection!

    override func setUpWithError() throws {
        database = try TestDatabase.create(prefix: "reel_video_test") // fails, not skips, without a database
        c = try database.connect()
        XCTAssertEqual(try VideoSchema.migrator.migrate(c), [1, 2, 3, 4, 5, 6])
    }

    override func tearDown() {
        c = nil
        database?.drop()
    }

    private func newVideo(owner: String = UUIDs.make()) throws -> Video {
        let id = UUIDs.make()
        return try VideoStore.insert(c, .init(id: id, ownerId: owner, title: "Clip", durationSeconds: 2.5, width: 320, height: 240,
                                              sourceKey: "videos/\(id)/source/clip.mp4", sourceFilename: "clip.mp4",
                                              sourceSize: 1000, sourceFormat: "mov,mp4"))
    }

    func testTranscoderStateChanges() throws {
        let video = try newVideo()
        XCTAssertEqual(video.state, .processing)
        XCTAssertNil(video.publishedAt)
        XCTAssertEqual(try VideoStore.markProgress(c, id: video.id, .init(percent: 40)).progress, 40)
        let ready = try VideoStore.markReady(c, id: video.id, .init(posterKey: "videos/\(video.id)/poster.jpg",
                                                                    hlsKey: "videos/\(video.id)/hls/master.m3u8",
                                                                    dashKey: nil, durationSeconds: 2.4))
        XCTAssertEqual(ready.state, .ready)
        XCTAssertEqual(ready.progress, 100)
        XCTAssertEqual(ready.durationSeconds, 2.4)
        XCTAssertNotNil(ready.publishedAt)
        XCTAssertEqual(ready.hlsKey, "videos/\(video.id)/hls/master.m3u8")
        // Progress only while processing; a ready video does not fail.
        XCTAssertThrowsError(try VideoStore.markProgress(c, id: video.id, .init(percent: 50))) {
            XCTAssertEqual(($0 as? PluginError)?.code, PluginError.failedPrecondition("").code)
        }
        XCTAssertThrowsError(try VideoStore.markFailed(c, id: video.id, reason: "x"))
        let other = try newVideo()
        let failed = try VideoStore.markFailed(c, id: other.id, reason: "decoder error")
        XCTAssertEqual(failed.state, .failed)
        XCTAssertEqual(failed.failureReason, "decoder error")
        XCTAssertThrowsError(try VideoStore.markReady(c, id: UUIDs.make(), .init())) {
            XCTAssertEqual(($0 as? PluginError)?.code, PluginError.notFound("").code)
        }
    }

    func testCatalogKeysetAndFilters() throws {
        var published: [Video] = []
        for i in 0..<7 {
            let video = try newVideo()
            try c.query("UPDATE video.videos SET state = 'ready', views = $2, tags = ARRAY['t' || ($2 % 2)] WHERE id = $1",
                        [.string(video.id), .int(i)])
            published.append(try XCTUnwrap(VideoStore.byID(c, video.id)))
        }
        XCTAssertTrue(published.allSatisfy { $0.publishedAt != nil }, "the trigger sets published_at")
        for order in [CatalogCursor.Order.newest, .views] {
            var seen: [String] = []
            var cursor: CatalogCursor?
            repeat {
                let page = try VideoStore.catalog(c, .init(order: order, after: cursor, tag: nil, search: nil, limit: 3))
                seen += page.map(\.id)
                cursor = page.count == 3 ? CatalogCursor(after: page[2], order: order) : nil
            } while cursor != nil
            XCTAssertEqual(Set(seen), Set(published.map(\.id)))
            XCTAssertEqual(seen.count, published.count)
        }
        let evens = try VideoStore.catalog(c, .init(order: .views, after: nil, tag: "t0", search: nil, limit: 10))
        XCTAssertEqual(evens.map(\.views), [6, 4, 2, 0])
    }

    func testEditsAndSearchVector() throws {
        let video = try newVideo()
        let edited = try VideoStore.update(c, id: video.id, .init(title: nil, description: "Ein Video über Käse",
                                                                   tags: ["fromage", "it's"], visibility: .unlisted))
        XCTAssertEqual(edited.title, "Clip")
        XCTAssertEqual(edited.tags, ["fromage", "it's"])
        XCTAssertEqual(edited.visibility, .unlisted)
        let hits = try c.query("SELECT count(*) AS n FROM video.videos WHERE search @@ websearch_to_tsquery('simple', 'käse fromage')")
        XCTAssertEqual(try hits.first?.int64("n"), 1)
        XCTAssertEqual(try VideoStore.update(c, id: video.id, .init(tags: [])).tags, [])
    }

    func testUploadCompletesOnceAndOutboxBacksOff() throws {
        let upload = UploadRecord(id: UUIDs.make(), ownerId: UUIDs.make(), length: 10, metadata: "", filename: "a.mp4", title: "a",
                                  expiresAt: Date().addingTimeInterval(60))
        try UploadStore.insert(c, upload)
        let video = try newVideo(owner: upload.ownerId)
        XCTAssertTrue(try UploadStore.complete(c, id: upload.id, videoId: video.id))
        XCTAssertFalse(try UploadStore.complete(c, id: upload.id, videoId: UUIDs.make()))
        XCTAssertEqual(try UploadStore.byID(c, upload.id)?.videoId, video.id)

        try OutboxStore.insert(c, videoId: video.id, sourceKey: "videos/\(video.id)/source/a.mp4")
        let claimed = try OutboxStore.claimDue(c, limit: 10, leaseSeconds: 60)
        XCTAssertEqual(claimed.map(\.videoId), [video.id])
        XCTAssertEqual(claimed.first?.attempts, 1)
        XCTAssertEqual(claimed.first?.durationSeconds, 2.5)
        XCTAssertEqual(try OutboxStore.claimDue(c, limit: 10, leaseSeconds: 60).count, 0, "leased")
        try OutboxStore.markFailed(c, videoId: video.id, error: "12: unimplemented", retryInSeconds: 0)
        XCTAssertEqual(try OutboxStore.claimDue(c, limit: 10, leaseSeconds: 60).first?.attempts, 2)
        try OutboxStore.markDelivered(c, videoId: video.id)
        try c.query("UPDATE video.transcode_outbox SET next_attempt_at = now() - interval '1 hour'")
        XCTAssertEqual(try OutboxStore.claimDue(c, limit: 10, leaseSeconds: 60).count, 0, "delivered jobs stay delivered")
        try VideoStore.delete(c, id: video.id)
        XCTAssertEqual(try c.query("SELECT count(*) AS n FROM video.transcode_outbox").first?.int64("n"), 0)
    }
}
