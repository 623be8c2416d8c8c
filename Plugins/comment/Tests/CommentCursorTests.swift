import ReelPluginKit
import XCTest

@testable import CommentCore

final class CommentCursorTests: XCTestCase {
    let id = "0b5b7c1e-2f3a-4d5e-8f90-123456789abc"

    func testRoundTripsEveryOrder() throws {
        for order in CommentCursor.Order.allCases {
            let cursor = CommentCursor(order: order, position: .init(replyCount: 7, createdMicros: 1_700_000_000_123_456, id: id))
            XCTAssertEqual(try CommentCursor(decoding: cursor.encoded, order: order), cursor)
        }
    }

    func testStartCursorOnlyForThreads() throws {
        let start = CommentCursor(order: .newest, position: nil)
        XCTAssertEqual(try CommentCursor(decoding: start.encoded, order: .newest), start)
        XCTAssertThrowsError(try CommentCursor(decoding: CommentCursor(order: .replies, position: nil).encoded, order: .replies))
    }

    func testCursorOfAnotherOrderIsRefused() {
        let cursor = CommentCursor(order: .newest, position: .init(createdMicros: 1, id: id))
        XCTAssertThrowsError(try CommentCursor(decoding: cursor.encoded, order: .top)) { error in
            XCTAssertEqual((error as? PluginError)?.code, PluginError.invalidArgument("").code)
        }
    }

    func testGarbageIsInvalidArgument() {
        for text in ["", "!!!", "bjox", Data("n:1:2:not-a-uuid".utf8).base64URLEncoded,
                     Data("n:x:2:\(id)".utf8).base64URLEncoded, String(repeating: "A", count: 500)] {
            XCTAssertThrowsError(try CommentCursor(decoding: text, order: .newest), text)
        }
    }

    func testCursorFollowsAComment() {
        let record = CommentRecord(id: id, videoId: id, threadId: id, inReplyTo: nil, authorId: id, text: "x",
                                   createdMicros: 42, replyCount: 3)
        XCTAssertEqual(CommentCursor(after: record, order: .top).position,
                       .init(replyCount: 3, createdMicros: 42, id: id))
    }
}
