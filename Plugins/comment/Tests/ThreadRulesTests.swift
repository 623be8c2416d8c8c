import ReelPluginKit
import XCTest

@testable import CommentCore

final class ThreadRulesTests: XCTestCase {
    let video = "00000000-0000-4000-8000-000000000001"
    let otherVideo = "00000000-0000-4000-8000-000000000002"
    let alice = Caller(userId: "00000000-0000-4000-8000-0000000000a1", role: "viewer")
    let bob = Caller(userId: "00000000-0000-4000-8000-0000000000b0", role: "viewer")
    let owner = "00000000-0000-4000-8000-0000000000c0"

    func comment(_ id: String, thread: String? = nil, replyTo: String? = nil, by author: Caller? = nil,
                 video: String? = nil, deleted: Bool = false) -> CommentRecord {
        CommentRecord(id: id, videoId: video ?? self.video, threadId: thread ?? id, inReplyTo: replyTo,
                      authorId: (author ?? alice).userId, text: deleted ? "" : "text", deleted: deleted)
    }

    func testNoParentStartsAThread() throws {
        XCTAssertEqual(try ThreadRules.placement(videoId: video, parent: nil), .init(threadId: nil, inReplyTo: nil))
    }

    func testReplyToARootJoinsItsThread() throws {
        let root = comment("r")
        XCTAssertEqual(try ThreadRules.placement(videoId: video, parent: root), .init(threadId: "r", inReplyTo: "r"))
    }

    func testReplyToAReplyJoinsTheRootsThreadAndKeepsWhomItAnswers() throws {
        let reply = comment("a", thread: "r", replyTo: "r")
        XCTAssertEqual(try ThreadRules.placement(videoId: video, parent: reply), .init(threadId: "r", inReplyTo: "a"))
    }

    func testParentOnAnotherVideoOrDeletedIsRefused() {
        XCTAssertThrowsError(try ThreadRules.placement(videoId: video, parent: comment("x", video: otherVideo))) {
            XCTAssertEqual(($0 as? PluginError)?.code, PluginError.invalidArgument("").code)
        }
        XCTAssertThrowsError(try ThreadRules.placement(videoId: video, parent: comment("x", deleted: true))) {
            XCTAssertEqual(($0 as? PluginError)?.code, PluginError.failedPrecondition("").code)
        }
    }

    func testDeletionKeepsAPlaceholderOnlyWhenAnswered() {
        XCTAssertEqual(ThreadRules.deletion(hasReplies: true), .placeholder)
        XCTAssertEqual(ThreadRules.deletion(hasReplies: false), .remove)
    }

    func testWhoMayEditAndDelete() {
        let mine = comment("m", by: alice)
        XCTAssertTrue(ThreadRules.mayEdit(mine, by: alice))
        XCTAssertFalse(ThreadRules.mayEdit(mine, by: bob))
        XCTAssertFalse(ThreadRules.mayEdit(mine, by: Caller(userId: owner, role: "creator")))
        XCTAssertFalse(ThreadRules.mayEdit(mine, by: Caller(userId: "", role: "")))
        XCTAssertTrue(ThreadRules.mayDelete(mine, by: alice, videoOwnerId: owner))
        XCTAssertTrue(ThreadRules.mayDelete(mine, by: Caller(userId: owner, role: "creator"), videoOwnerId: owner))
        XCTAssertTrue(ThreadRules.mayDelete(mine, by: Caller(userId: bob.userId, role: "admin"), videoOwnerId: owner))
        XCTAssertFalse(ThreadRules.mayDelete(mine, by: bob, videoOwnerId: owner))
        XCTAssertFalse(ThreadRules.mayDelete(mine, by: Caller(userId: "", role: ""), videoOwnerId: ""))
    }

    func testOnlyLiveRootsArePinned() {
        XCTAssertNoThrow(try ThreadRules.checkPinnable(comment("r")))
        XCTAssertThrowsError(try ThreadRules.checkPinnable(comment("a", thread: "r", replyTo: "r")))
        XCTAssertThrowsError(try ThreadRules.checkPinnable(comment("r", deleted: true)))
        XCTAssertTrue(ThreadRules.moderates(videoOwnerId: owner, caller: Caller(userId: owner, role: "creator")))
        XCTAssertFalse(ThreadRules.moderates(videoOwnerId: owner, caller: alice))
    }

    func testRateLimitSlidingWindow() {
        let limit = RateLimit(count: 3, windowSeconds: 60)
        XCTAssertEqual(limit.decide(recent: [], now: 1000), .allow)
        XCTAssertEqual(limit.decide(recent: [990, 995], now: 1000), .allow)
        XCTAssertEqual(limit.decide(recent: [950, 990, 995], now: 1000), .retryAfter(10))
        XCTAssertEqual(limit.decide(recent: [900, 990, 995], now: 1000), .allow)  // 900 left the window
        XCTAssertEqual(limit.decide(recent: [999.5, 999.6, 999.7, 999.8], now: 1000), .retryAfter(60))
    }
}
