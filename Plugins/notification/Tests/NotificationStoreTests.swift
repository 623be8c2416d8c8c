import Foundation
import ReelPostgres
import ReelTestSupport
import XCTest
@testable import NotificationCore

/// The notification schema's SQL against a real PostgreSQL
/// (REEL_TEST_DATABASE_URL): settings applied at creation, dedupe, the mail
/// outbox, fan-out batches, the feed and read state.
final class NotificationStoreTests: XCTestCase {
    private var database: TestDatabase?
    private var c: PostgresConnection!

    override func setUpWithError() throws {
        let database = try TestDatabase.create(prefix: "reel_notification_test") // fails, not skips, without a database
        self.database = database
        c = try database.connect()
        XCTAssertEqual(try NotificationSchema.migrator.migrate(c), [1, 2, 3, 4])
    }

    override func tearDown() {
        c = nil
        database?.drop()
    }

    private func id() -> String { UUID().uuidString.lowercased() }

    func testSettingsDecideWebAndEmailAndDuplicatesAreIgnored() throws {
        let owner = id(), video = id()
        let ready = NewNotification(type: .videoReady, videoId: video, videoTitle: "Clip")
        let made = try NotificationStore.make(c, ready, for: [owner])
        XCTAssertEqual(made.count, 1)
        XCTAssertEqual(try NotificationStore.make(c, ready, for: [owner]).count, 0, "the same event twice")
        XCTAssertEqual(try MailOutboxStore.claimDue(c, limit: 10, leaseSeconds: 60).map(\.notificationId), [made[0].id])
        XCTAssertEqual(try MailOutboxStore.claimDue(c, limit: 10, leaseSeconds: 60).count, 0, "leased")

        // Web off, email off: nothing at all; web off only: email but not in the feed.
        let quiet = id(), mailOnly = id()
        try SettingsStore.save(c, user: quiet, [.videoReady: Channels(web: false, email: false)])
        try SettingsStore.save(c, user: mailOnly, [.videoReady: Channels(web: false, email: true)])
        let other = NewNotification(type: .videoReady, videoId: id())
        XCTAssertEqual(try NotificationStore.make(c, other, for: [quiet]).count, 0)
        let hidden = try NotificationStore.make(c, other, for: [mailOnly])
        XCTAssertEqual(hidden.map(\.web), [false])
        XCTAssertEqual(try NotificationStore.list(c, user: mailOnly, before: nil, limit: 10, unreadOnly: false).count, 0)
        XCTAssertEqual(try MailOutboxStore.claimDue(c, limit: 10, leaseSeconds: 60).map(\.notificationId), [hidden[0].id])
    }

    func testFeedPagesUnreadFilterAndReadState() throws {
        let me = id(), someoneElse = id()
        var ids: [Int64] = []
        for _ in 0..<5 {
            ids += try NotificationStore.make(c, NewNotification(type: .subscriptionVideo, actorId: id(), videoId: id()), for: [me]).map(\.id)
        }
        _ = try NotificationStore.make(c, NewNotification(type: .subscriptionVideo, videoId: id()), for: [someoneElse])
        let first = try NotificationStore.list(c, user: me, before: nil, limit: 3, unreadOnly: false)
        XCTAssertEqual(first.map(\.id), Array(ids.reversed().prefix(3)))
        let second = try NotificationStore.list(c, user: me, before: first.last?.id, limit: 3, unreadOnly: false)
        XCTAssertEqual(second.map(\.id), Array(ids.reversed().suffix(2)))
        try NotificationStore.markRead(c, user: me, ids: [ids[0], ids[1]])
        try NotificationStore.markRead(c, user: someoneElse, ids: [ids[2]]) // not theirs: ignored
        XCTAssertEqual(try NotificationStore.unreadCount(c, user: me), 3)
        XCTAssertEqual(try NotificationStore.list(c, user: me, before: nil, limit: 10, unreadOnly: true).map(\.id),
                       [ids[4], ids[3], ids[2]])
        XCTAssertEqual(try NotificationStore.since(c, user: me, after: ids[2], limit: 10).map(\.id), [ids[3], ids[4]])
        try NotificationStore.markAllRead(c, user: me)
        XCTAssertEqual(try NotificationStore.unreadCount(c, user: me), 0)
        XCTAssertEqual(try NotificationStore.unreadCount(c, user: someoneElse), 1)
    }

    func testFollowersInBatchesAndSubscriptionsAreIdempotent() throws {
        let creator = id()
        let followers = (0..<25).map { _ in id() }.sorted()
        for follower in followers {
            try SubscriptionStore.subscribe(c, follower: follower, creator: creator)
            try SubscriptionStore.subscribe(c, follower: follower, creator: creator)
        }
        XCTAssertEqual(try SubscriptionStore.followerCount(c, creator: creator), 25)
        var seen: [String] = []
        var after: String?
        while true {
            let batch = try SubscriptionStore.followers(c, creator: creator, after: after, limit: 10)
            seen += batch
            guard batch.count == 10 else { break }
            after = batch.last
        }
        XCTAssertEqual(seen, followers)
        XCTAssertThrowsError(try SubscriptionStore.subscribe(c, follower: creator, creator: creator), "the CHECK refuses it")
        try SubscriptionStore.unsubscribe(c, follower: followers[0], creator: creator)
        try SubscriptionStore.unsubscribe(c, follower: followers[0], creator: creator)
        XCTAssertEqual(try SubscriptionStore.followerCount(c, creator: creator), 24)
    }

    func testCreatorsOfAFollowerMostRecentFirst() throws {
        let me = id(), first = id(), second = id(), other = id()
        try SubscriptionStore.subscribe(c, follower: me, creator: first)
        try SubscriptionStore.subscribe(c, follower: me, creator: second)
        try SubscriptionStore.subscribe(c, follower: other, creator: first)
        XCTAssertEqual(try SubscriptionStore.creators(c, follower: me, limit: 10), [second, first])
        XCTAssertEqual(try SubscriptionStore.creators(c, follower: me, limit: 1), [second])
    }

    func testInboxClaimsOldestFirstHonoursTheHoldAndForgetsHandledEvents() throws {
        try InboxStore.record(c, topic: "video.ready", payload: [1, 2, 3])
        try InboxStore.record(c, topic: "video.failed", payload: [])
        XCTAssertEqual(try InboxStore.claimDue(c, limit: 10, leaseSeconds: 60, holdSeconds: 3600).count, 0, "held")
        let claimed = try InboxStore.claimDue(c, limit: 10, leaseSeconds: 60)
        XCTAssertEqual(claimed.map(\.topic), ["video.ready", "video.failed"])
        XCTAssertEqual(claimed[0].payload, [1, 2, 3])
        XCTAssertEqual(claimed.map(\.attempts), [1, 1])
        XCTAssertEqual(try InboxStore.claimDue(c, limit: 10, leaseSeconds: 60).count, 0, "leased")
        try InboxStore.done(c, id: claimed[0].id)
        try InboxStore.retryLater(c, id: claimed[1].id, error: "video service unavailable", inSeconds: 0)
        let again = try InboxStore.claimDue(c, limit: 10, leaseSeconds: 60)
        XCTAssertEqual(again.map(\.id), [claimed[1].id])
        XCTAssertEqual(again[0].attempts, 2)
    }
}
