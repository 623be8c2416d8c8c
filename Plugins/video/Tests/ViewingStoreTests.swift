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

    func testAViewCountsOncePerViewerAndDay() throws {
        let video = try readyVideo()
        XCTAssertEqual(try ViewingStore.countView(c, videoId: video.id, viewer: "u:1", day: "2026-11-24").counted, true)
        let again = try ViewingStore.countView(c, videoId: video.id, viewer: "u:1", day: "2026-11-24")
        XCTAssertEqual(again.counted, false)
        XCTAssertEqual(again.views, 1)
        XCTAssertEqual(try ViewingStore.countView(c, videoId: video.id, viewer: "a:xyz", day: "2026-11-24").views, 2)
        XCTAssertEqual(try ViewingStore.countView(c, videoId: video.id, viewer: "u:1", day: "2026-11-25").views, 3, "the next day")
        XCTAssertEqual(try VideoStore.byID(c, video.id)?.views, 3)
        XCTAssertEqual(try ViewingStore.pruneViewLog(c, keepFrom: "2026-11-25"), 2)
        XCTAssertEqual(try VideoStore.byID(c, video.id)?.views, 3, "pruning keeps the counts")
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
