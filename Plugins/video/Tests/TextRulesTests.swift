import XCTest
import ReelPluginKit
@testable import VideoCore

/// The project's one length rule (ReelPluginKit's TextRule), tested here
/// because every plugin test target links the kit; and the video fields
/// that use it (issue #19).
final class TextRulesTests: XCTestCase {
    let combining = "\u{0301}"
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}" // one grapheme, 7 code points

    func testCountsCodePointsNotGraphemes() {
        let rule = TextRule(field: "t", maxScalars: 10)
        XCTAssertNoThrow(try rule.validate("e" + String(repeating: combining, count: 9)))
        XCTAssertThrowsError(try rule.validate("e" + String(repeating: combining, count: 10))) { error in
            XCTAssertTrue((error as? PluginError)?.message.contains("at most 10") ?? false)
        }
        XCTAssertNoThrow(try TextRule(field: "t", maxScalars: 7).validate(family))
        XCTAssertThrowsError(try TextRule(field: "t", maxScalars: 6).validate(family))
    }

    func testByteBound() {
        let rule = TextRule(field: "t", maxScalars: 10, maxBytes: 10)
        XCTAssertNoThrow(try rule.validate(String(repeating: "x", count: 10)))
        XCTAssertThrowsError(try rule.validate(String(repeating: "\u{1F600}", count: 3))) // 3 code points, 12 bytes
    }

    func testControlCharacters() {
        let line = TextRule(field: "t", maxScalars: 100)
        let multi = TextRule(field: "t", maxScalars: 100, multiline: true)
        for bad in ["a\u{0}b", "a\u{7}b", "a\u{1B}b", "a\u{7F}b", "a\u{85}b", "a\u{9F}b"] {
            XCTAssertThrowsError(try line.validate(bad), bad.debugDescription)
            XCTAssertThrowsError(try multi.validate(bad), bad.debugDescription)
        }
        XCTAssertThrowsError(try line.validate("a\nb"))
        XCTAssertThrowsError(try line.validate("a\tb"))
        XCTAssertThrowsError(try line.validate("a\u{2028}b"))
        XCTAssertEqual(try multi.validate("a\nb\tc"), "a\nb\tc")
        // Format characters emoji need.
        XCTAssertEqual(try line.validate(family), family)
        XCTAssertNoThrow(try line.validate("\u{2764}\u{FE0F} \u{1F44D}\u{1F3FD} a\u{200C}b"))
    }

    func testNewlinesAreNormalisedBeforeCounting() throws {
        let rule = TextRule(field: "d", maxScalars: 5000, multiline: true)
        let text = String(repeating: "line\r\n", count: 999) + "end"
        let stored = try rule.validate(text)
        XCTAssertEqual(stored, String(repeating: "line\n", count: 999) + "end")
        XCTAssertEqual(stored.unicodeScalars.count, 4998)
        XCTAssertEqual(TextRules.normalizingNewlines("a\rb\r\n\r\nc\n"), "a\nb\n\nc\n")
        XCTAssertThrowsError(try rule.validate(String(repeating: "line\r\n", count: 1001)))
    }

    func testLengthMessageAndEmptiness() {
        let rule = TextRule(field: "name", maxScalars: 3, minScalars: 1, lengthMessage: "name must be 1 to 3 characters")
        XCTAssertThrowsError(try rule.validate("  ")) { XCTAssertEqual(($0 as? PluginError)?.message, "name must be 1 to 3 characters") }
        XCTAssertThrowsError(try rule.validate("a\u{301}\u{301}\u{301}")) {
            XCTAssertEqual(($0 as? PluginError)?.message, "name must be 1 to 3 characters")
        }
    }

    func testTruncatedCutsAtCodePoints() {
        XCTAssertEqual(TextRules.truncated("e" + String(repeating: combining, count: 250), maxScalars: 200).unicodeScalars.count, 200)
        XCTAssertEqual(TextRules.truncated("\u{1F600}\u{1F600}x", maxScalars: 10, maxBytes: 5), "\u{1F600}")
        XCTAssertEqual(TextRules.removingRefused("a\u{0}b\u{200D}c\u{85}"), "ab\u{200D}c")
    }

    func testVideoFieldsFromTheIssue() throws {
        XCTAssertThrowsError(try VideoValidation.title("e" + String(repeating: combining, count: 250)))
        XCTAssertEqual(try VideoValidation.title("Family " + family), "Family " + family)
        XCTAssertThrowsError(try VideoValidation.tags(["a" + String(repeating: combining, count: 5000)]))
        XCTAssertEqual(try VideoValidation.description(String(repeating: "line\r\n", count: 999) + "end").unicodeScalars.count, 4998)
        let derived = TusMetadata.title(fromFilename: "e" + String(repeating: combining, count: 250) + ".mp4")
        XCTAssertEqual(derived.unicodeScalars.count, 200)
        XCTAssertNoThrow(try VideoValidation.title(derived))
        XCTAssertEqual(TusMetadata.filename("a/\(family)\u{0}.mp4"), "\(family).mp4")
    }
}

final class UploadQuotaTests: XCTestCase {
    func testRefusals() {
        var limits = UploadLimits()
        limits.quotaBytes = 100
        limits.dailyQuotaBytes = 50
        limits.diskReserveBytes = 10
        let idle = UploadQuota.Usage(total: 0, today: 0, pendingAll: 0)
        XCTAssertNil(UploadQuota.refusal(length: 50, usage: idle, limits: limits, freeBytes: 1000))
        XCTAssertEqual(UploadQuota.refusal(length: 51, usage: idle, limits: limits, freeBytes: 1000)?.isQuota, true)
        let old = UploadQuota.Usage(total: 90, today: 0, pendingAll: 0)
        XCTAssertEqual(UploadQuota.refusal(length: 11, usage: old, limits: limits, freeBytes: 1000)?.isQuota, true)
        XCTAssertNil(UploadQuota.refusal(length: 10, usage: old, limits: limits, freeBytes: 1000))
        XCTAssertEqual(UploadQuota.refusal(length: 10, usage: idle, limits: limits, freeBytes: 19)?.isQuota, false)
        let busy = UploadQuota.Usage(total: 0, today: 0, pendingAll: 500)
        XCTAssertEqual(UploadQuota.refusal(length: 10, usage: busy, limits: limits, freeBytes: 515)?.isQuota, false)
        limits = UploadLimits()
        limits.quotaBytes = -1
        limits.dailyQuotaBytes = -1
        limits.diskReserveBytes = -1
        XCTAssertNil(UploadQuota.refusal(length: .max, usage: old, limits: limits, freeBytes: 0))
    }

    func testConfig() throws {
        let config = try VideoConfig(["REEL_VIDEO_QUOTA_BYTES": "-1", "REEL_VIDEO_DAILY_QUOTA_BYTES": "0"].get)
        XCTAssertEqual(config.uploadLimits.quotaBytes, -1)
        XCTAssertEqual(config.uploadLimits.dailyQuotaBytes, 0)
        XCTAssertEqual(config.uploadLimits.diskReserveBytes, 1 << 30)
        XCTAssertThrowsError(try VideoConfig(["REEL_VIDEO_QUOTA_BYTES": "-2"].get))
        XCTAssertThrowsError(try VideoConfig(["REEL_UPLOAD_DISK_RESERVE_BYTES": "lots"].get))
        XCTAssertNotNil(UploadQuota.freeBytes("/"))
    }
}

private extension UploadRefusal {
    var isQuota: Bool { if case .quota = self { true } else { false } }
}

private extension Dictionary where Key == String, Value == String {
    func get(_ key: String) -> String? { self[key] }
}
