import Foundation
import XCTest
@testable import NotificationCore

/// Defaults, cursors, event decoding and who gets a comment notice.
final class NotificationModelTests: XCTestCase {
    func testDefaultsEmailOnlyForMyOwnUploads() {
        let settings = NotificationSettings()
        XCTAssertEqual(settings[.videoReady], Channels(web: true, email: true))
        XCTAssertEqual(settings[.videoFailed], Channels(web: true, email: true))
        for type in [NotificationType.subscriptionVideo, .commentOnMyVideo, .commentReply] {
            XCTAssertEqual(settings[type], Channels(web: true, email: false), type.rawValue)
        }
        let changed = NotificationSettings(overrides: [.commentReply: Channels(web: false, email: true)])
        XCTAssertEqual(changed[.commentReply], Channels(web: false, email: true))
        XCTAssertEqual(changed[.videoReady], Channels(web: true, email: true))
    }

    func testCursorsRoundTripAndRefuseGarbage() throws {
        XCTAssertEqual(try FeedCursor.decodeNotificationId(FeedCursor.encode(notificationId: 42)), 42)
        let id = "0f0e0d0c-0b0a-4908-8706-050403020100"
        let text = FeedCursor.encode(kind: "s", micros: 1_700_000_000_000_000, id: id)
        let decoded = try FeedCursor.decode(text, kind: "s")
        XCTAssertEqual(decoded.micros, 1_700_000_000_000_000)
        XCTAssertEqual(decoded.id, id)
        XCTAssertThrowsError(try FeedCursor.decode(text, kind: "v"))
        XCTAssertThrowsError(try FeedCursor.decodeNotificationId("not a cursor"))
        XCTAssertThrowsError(try FeedCursor.decodeNotificationId(FeedCursor.encode(notificationId: -1)))
    }

    /// A CommentCreated as the comment plugin packs it (field numbers of
    /// proto/reel/comment/v1/events.proto), decoded without its generated code.
    func testCommentCreatedDecodesFromTheWire() throws {
        let ids = (0..<5).map { _ in UUID().uuidString.lowercased() }
        var bytes: [UInt8] = []
        for (field, value) in [(1, ids[0]), (2, ids[1]), (3, ids[2]), (4, ids[3]), (6, ids[4])] {
            bytes.append(UInt8(field << 3 | 2))
            bytes.append(UInt8(value.utf8.count))
            bytes += Array(value.utf8)
        }
        bytes += [0x40, 0x01] // an unknown varint field is skipped
        let event = BusEvent.decode(topic: "comment.created", payload: bytes)
        guard case .commentCreated(let c) = event else { return XCTFail("not decoded: \(String(describing: event))") }
        XCTAssertEqual(c.commentId, ids[0])
        XCTAssertEqual(c.videoOwnerId, ids[2])
        XCTAssertEqual(c.authorId, ids[3])
        XCTAssertEqual(c.parentAuthorId, ids[4])
        XCTAssertNil(c.threadId)
        XCTAssertNil(BusEvent.decode(topic: "comment.created", payload: [0x0a, 0x30, 0x41]), "truncated")
        XCTAssertNil(BusEvent.decode(topic: "comment.created", payload: []), "no ids")
    }

    func testNobodyIsNotifiedOfTheirOwnComment() {
        let owner = "o", author = "a", parent = "p"
        func recipients(author: String, parent: String?) -> [String] {
            CommentRecipients.of(.init(commentId: "c", videoId: "v", videoOwnerId: owner, authorId: author,
                                       parentAuthorId: parent, threadId: nil)).map { "\($0.userId) \($0.type.rawValue)" }
        }
        XCTAssertEqual(recipients(author: author, parent: nil), ["o comment.on_my_video"])
        XCTAssertEqual(recipients(author: owner, parent: nil), [])
        XCTAssertEqual(recipients(author: author, parent: parent), ["p comment.reply", "o comment.on_my_video"])
        XCTAssertEqual(recipients(author: author, parent: owner), ["o comment.reply"])
        XCTAssertEqual(recipients(author: author, parent: author), ["o comment.on_my_video"])
    }

    func testMailHasBothBodiesTheLinkAndAnUnsubscribeLink() throws {
        let composer = MailComposer(publicURL: "https://reel.example/", from: "Reel <reel@reel.example>")
        let n = StoredNotification(id: 7, userId: "u", type: "video.ready", createdAt: "", read: false, actorId: nil,
                                   videoId: "v1", videoTitle: "Été <b>", failureReason: nil, commentId: nil, threadId: nil)
        let message = composer.compose(n, to: "me@example.com", actorName: nil)
        let text = String(decoding: message.rendered(), as: UTF8.self)
        XCTAssertTrue(text.contains("Subject: =?utf-8?B?"), text)
        XCTAssertTrue(text.contains("Message-ID: <notification-7@reel.example>"))
        XCTAssertTrue(text.contains("List-Unsubscribe: <https://reel.example/settings/notifications?unsubscribe=video.ready>"))
        XCTAssertTrue(text.contains("text/plain") && text.contains("text/html"))
        XCTAssertTrue(message.html.contains("&lt;b&gt;"), "HTML-escaped title")
        XCTAssertTrue(message.text.contains("https://reel.example/watch/v1"))
        XCTAssertFalse(text.split(separator: "\r\n").contains { $0.count > 998 })
    }
}
