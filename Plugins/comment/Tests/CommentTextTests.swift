import XCTest

@testable import CommentCore

final class CommentTextTests: XCTestCase {
    func testTrimsAndKeepsInnerNewlines() throws {
        XCTAssertEqual(try CommentText.normalized("  hello\nworld \n").get(), "hello\nworld")
        XCTAssertEqual(try CommentText.normalized("a\r\nb\rc").get(), "a\nb\nc")
    }

    func testEmptyAfterTrimmingIsRefused() {
        XCTAssertEqual(CommentText.normalized(""), .failure(.empty))
        XCTAssertEqual(CommentText.normalized(" \n \u{3000}\u{2028}"), .failure(.empty))
    }

    func testLimitCountsCodePoints() throws {
        let emoji = String(repeating: "é", count: 5000)  // 2 bytes each: 10000 bytes, 5000 code points
        XCTAssertEqual(try CommentText.normalized(emoji).get().unicodeScalars.count, 5000)
        XCTAssertEqual(CommentText.normalized(emoji + "e"), .failure(.tooLong))
        XCTAssertEqual(CommentText.normalized(String(repeating: "x", count: 100_000)), .failure(.tooLong))
    }

    func testControlCharactersOtherThanNewlineAreRefused() {
        XCTAssertEqual(CommentText.normalized("a\u{0}b"), .failure(.controlCharacter(0)))
        XCTAssertEqual(CommentText.normalized("a\tb"), .failure(.controlCharacter(9)))
        XCTAssertEqual(CommentText.normalized("a\u{1B}[31mb"), .failure(.controlCharacter(0x1B)))
        XCTAssertEqual(CommentText.normalized("a\u{7F}b"), .failure(.controlCharacter(0x7F)))
        XCTAssertEqual(CommentText.normalized("a\u{85}b"), .failure(.controlCharacter(0x85)))
        XCTAssertEqual(CommentText.normalized("trailing\u{85}"), .failure(.controlCharacter(0x85)))
        XCTAssertEqual(CommentText.normalized(" \t"), .failure(.controlCharacter(9)))
    }

    func testEmojiSequencesAndMarkupArePlainText() throws {
        let family = "👩\u{200D}👩\u{200D}👧 ❤\u{FE0F}"
        XCTAssertEqual(try CommentText.normalized(family).get(), family)
        XCTAssertEqual(try CommentText.normalized("<script>alert(1)</script>").get(), "<script>alert(1)</script>")
    }
}
