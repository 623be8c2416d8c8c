import Foundation
import ReelPluginKit
import ReelPostgres
import ReelTestSupport
import XCTest
@testable import VideoCore

/// Positions, continue-watching, views and the signing key against a real
/// PostgreSQL (REEL_TEST_DATABASE_URL).
final class ViewingStoreTests: XCTestCase {
    private var database: TestDatabase!
    private var c: PostgresConnection!

    override func setUpWithError() throws {
        database = try TestDatabase.create(prefix: "reel_viewing_test") // fails, not skips, without a database
        c = try database.connect()
        _ = try VideoSchema.migrator.migrate(c)
    }

    override func tearDown() {
        c = nil
        database?.drop()
    }

    private func readyVideo(owner: String = UUIDs.make(), visibility: Visibility = .public, duration: Double = 600) throws -> Video {
        let id = UUIDs.make()
        _ = try VideoStore.insert(c, .init(id: id, ownerId: owner, title: "Clip", durationSeconds: duration, width: 320, height: 240,
                                           sourceKey: "videos/\(id)/source/clip.mp4", sourceFilename: "clip.mp4",
                                           sourceSize: 1000, sourceFormat: "mov,mp4"))
        try c.query("UPDATE video.videos SET state = 'ready', visibility = $2 WHERE id = $1", [.string(id), .string(visibility.rawValue)])
        return try XCTUnwrap(VideoStore.byID(c, id))
    }

    /// With no wait required: the first contact starts the clock, the next counts.
    private func view(_ video: Video, _ viewer: String, _ day: String, playedEnough: Bool = true,
                      wait: Double = 0) throws -> (counted: Bool, views: Int64) {
        try ViewingStore.countView(c, videoId: video.id, viewer: viewer, day: day, playedEnough: playedEnough,
                                   minimumElapsedSeconds: wait)
    }

    func testAViewCountsOncePerViewerAndDay() throws {
        let video = try readyVideo()
        XCTAssertEqual(try view(video, "u:1", "2026-11-24").counted, false, "the first contact only starts the clock")
        XCTAssertEqual(try view(video, "u:1", "2026-11-24").counted, true)
        let again = try view(video, "u:1", "2026-11-24")
        XCTAssertEqual(again.counted, false)
        XCTAssertEqual(again.views, 1)
        _ = try view(video, "a:xyz", "2026-11-24")
        XCTAssertEqual(try view(video, "a:xyz", "2026-11-24").views, 2)
        _ = try view(video, "u:1", "2026-11-25")
        XCTAssertEqual(try view(video, "u:1", "2026-11-25").views, 3, "the next day")
        XCTAssertEqual(try VideoStore.byID(c, video.id)?.views, 3)
        XCTAssertEqual(try ViewingStore.pruneViewLog(c, keepFrom: "2026-11-25"), 2)
        XCTAssertEqual(try VideoStore.byID(c, video.id)?.views, 3, "pruning keeps the counts")
    }

    func testAViewNeedsPlaybackAndTime() throws {
        let video = try readyVideo()
        for viewer in (1...20).map({ "u:\($0)" }) {
            XCTAssertEqual(try view(video, viewer, "2026-11-24", wait: 3600).counted, false)
            XCTAssertEqual(try view(video, viewer, "2026-11-24", wait: 3600).counted, false, "too soon")
        }
        XCTAssertEqual(try VideoStore.byID(c, video.id)?.views, 0)
        XCTAssertEqual(try view(video, "u:1", "2026-11-24", playedEnough: false).counted, false, "not played far enough")
        XCTAssertEqual(try view(video, "u:1", "2026-11-24").counted, true)
        XCTAssertEqual(ViewingStore.watchSeconds(duration: 600), 5)
        XCTAssertEqual(ViewingStore.watchSeconds(duration: 10), 3, accuracy: 1e-9)
        XCTAssertEqual(ViewingStore.watchSeconds(duration: nil), 5)
        XCTAssertEqual(ViewingStore.minimumElapsed(duration: 600), 2.5)
    }

    func testContinueWatching() throws {
        let user = UUIDs.make(), stranger = UUIDs.make()
        let first = try readyVideo(), second = try readyVideo(), finished = try readyVideo(duration: 100)
        let becomesPrivate = try readyVideo(owner: stranger), own = try readyVideo(owner: user, visibility: .private)
        let deleted = try readyVideo()
        for (video, seconds) in [(first, 10.0), (finished, 96.0), (becomesPrivate, 5.0), (own, 7.0), (deleted, 3.0), (second, 20.0)] {
            try ViewingStore.savePosition(c, userId: user, videoId: video.id, seconds: seconds)
        }
        try ViewingStore.savePosition(c, userId: user, videoId: first.id, seconds: 42.5) // most recent now
        try c.query("UPDATE video.videos SET visibility = 'private' WHERE id = $1", [.string(becomesPrivate.id)])
        try VideoStore.delete(c, id: deleted.id)

        let list = try ViewingStore.continueWatching(c, userId: user, isAdmin: false, after: nil, limit: 10)
        XCTAssertEqual(list.map(\.video.id), [first.id, second.id, own.id])
        XCTAssertEqual(list.first?.positionSeconds, 42.5)
        XCTAssertEqual(try ViewingStore.continueWatching(c, userId: user, isAdmin: true, after: nil, limit: 10).count, 4,
                       "an admin may still watch the private one")
        // Keyset pages.
        let page = try ViewingStore.continueWatching(c, userId: user, isAdmin: false, after: nil, limit: 2)
        let cursor = CatalogCursor(order: .watched, key: page[1].updatedMicros, id: page[1].video.id)
        XCTAssertEqual(try ViewingStore.continueWatching(c, userId: user, isAdmin: false, after: cursor, limit: 2).map(\.video.id), [own.id])
        XCTAssertEqual(try ViewingStore.continueWatching(c, userId: stranger, isAdmin: false, after: nil, limit: 10).count, 0)
    }

    func testTheSigningKeyIsStoredOnce() throws {
        XCTAssertEqual(try ViewingStore.signingKey(c, candidate: "first"), "first")
        XCTAssertEqual(try ViewingStore.signingKey(c, candidate: "second"), "first")
    }
}
