import XCTest
@testable import VideoCore

/// RFC 9110 ranges and conditional requests as the media routes answer them.
final class MediaHTTPTests: XCTestCase {
    private func range(_ header: String?, _ size: Int64 = 1000) -> RangeRequest {
        RangeRequest.evaluate(header, size: size)
    }

    func testSingleRanges() {
        XCTAssertEqual(range("bytes=0-99"), .partial(offset: 0, length: 100))
        XCTAssertEqual(range("bytes=0-0"), .partial(offset: 0, length: 1))
        XCTAssertEqual(range("bytes=500-"), .partial(offset: 500, length: 500), "open range")
        XCTAssertEqual(range("bytes=-100"), .partial(offset: 900, length: 100), "suffix range")
        XCTAssertEqual(range("bytes=-5000"), .partial(offset: 0, length: 1000), "suffix longer than the file")
        XCTAssertEqual(range("bytes=990-5000"), .partial(offset: 990, length: 10), "last-pos clamped")
        XCTAssertEqual(range("bytes=999-999"), .partial(offset: 999, length: 1))
        XCTAssertEqual(range("BYTES=0-1"), .partial(offset: 0, length: 2), "the unit is case-insensitive")
        XCTAssertEqual(range(" bytes=0-1 "), .partial(offset: 0, length: 2))
        XCTAssertEqual(range("bytes=0-99999999999999999999999"), .partial(offset: 0, length: 1000), "huge numbers saturate")
    }

    func testUnsatisfiableRanges() {
        XCTAssertEqual(range("bytes=1000-"), .unsatisfiable)
        XCTAssertEqual(range("bytes=1000-2000"), .unsatisfiable)
        XCTAssertEqual(range("bytes=-0"), .unsatisfiable)
        XCTAssertEqual(range("bytes=5000-,-0"), .unsatisfiable)
        XCTAssertEqual(range("bytes=99999999999999999999-"), .unsatisfiable)
        XCTAssertEqual(range("bytes=1000-,0-9"), .partial(offset: 0, length: 10), "unsatisfiable parts are dropped")
    }

    func testInvalidOrForeignRangesAreIgnored() {
        for header in ["bytes=", "bytes=abc", "bytes=5-4", "bytes=1-2-3", "items=0-1", "bytes 0-1", "bytes=--1",
                       "bytes=0x10-", "bytes=+1-2", "bytes=0-1,5-4", "=0-1", ""] {
            XCTAssertEqual(range(header), .full, header)
        }
        XCTAssertEqual(range(nil), .full)
        XCTAssertEqual(range("bytes=0-1", 0), .full, "an empty file is answered whole")
        let many = "bytes=" + (0..<40).map { "\($0 * 10)-\($0 * 10 + 1)" }.joined(separator: ",")
        XCTAssertEqual(range(many), .full, "too many ranges")
    }

    func testMultipleRangesMergeOrAnswerTheWholeFile() {
        XCTAssertEqual(range("bytes=0-99,100-199"), .partial(offset: 0, length: 200), "adjacent")
        XCTAssertEqual(range("bytes=50-150, 0-99"), .partial(offset: 0, length: 151), "overlapping, any order")
        XCTAssertEqual(range("bytes=0-9,,20-29"), .full, "disjoint: the whole file (no multipart)")
        XCTAssertEqual(range("bytes=0-0,-1"), .full)
        XCTAssertEqual(range("bytes=0-9, ,"), .partial(offset: 0, length: 10), "empty list elements")
    }

    func testEntityTagsAndDates() {
        let v = Validators(size: 1234, modifiedNanos: 1_700_000_000_123_456_789, inode: 42)
        XCTAssertTrue(v.etag.hasPrefix("\"") && v.etag.hasSuffix("\""))
        XCTAssertEqual(v.lastModified, 1_700_000_000)
        XCTAssertEqual(v.lastModifiedHeader, "Tue, 14 Nov 2023 22:13:20 GMT")
        XCTAssertNotEqual(v.etag, Validators(size: 1234, modifiedNanos: 1_700_000_000_123_456_790, inode: 42).etag)
        XCTAssertNotEqual(v.etag, Validators(size: 1234, modifiedNanos: 1_700_000_000_123_456_789, inode: 43).etag)

        XCTAssertTrue(v.notModified(ifNoneMatch: v.etag, ifModifiedSince: nil))
        XCTAssertTrue(v.notModified(ifNoneMatch: "\"x\", W/\(v.etag)", ifModifiedSince: nil), "weak comparison")
        XCTAssertTrue(v.notModified(ifNoneMatch: "*", ifModifiedSince: nil))
        XCTAssertFalse(v.notModified(ifNoneMatch: "\"other\"", ifModifiedSince: "Tue, 14 Nov 2023 22:13:20 GMT"),
                       "If-Modified-Since is ignored when If-None-Match is there")
        XCTAssertTrue(v.notModified(ifNoneMatch: nil, ifModifiedSince: "Tue, 14 Nov 2023 22:13:20 GMT"))
        XCTAssertTrue(v.notModified(ifNoneMatch: nil, ifModifiedSince: "Wed, 15 Nov 2023 00:00:00 GMT"))
        XCTAssertFalse(v.notModified(ifNoneMatch: nil, ifModifiedSince: "Tue, 14 Nov 2023 22:13:19 GMT"))
        XCTAssertFalse(v.notModified(ifNoneMatch: nil, ifModifiedSince: "yesterday"))
        XCTAssertFalse(v.notModified(ifNoneMatch: nil, ifModifiedSince: nil))

        XCTAssertTrue(v.rangeAllowed(ifRange: nil))
        XCTAssertTrue(v.rangeAllowed(ifRange: v.etag))
        XCTAssertFalse(v.rangeAllowed(ifRange: "W/" + v.etag), "If-Range compares strongly")
        XCTAssertFalse(v.rangeAllowed(ifRange: "\"stale\""))
        XCTAssertTrue(v.rangeAllowed(ifRange: "Tue, 14 Nov 2023 22:13:20 GMT"))
        XCTAssertFalse(v.rangeAllowed(ifRange: "Tue, 14 Nov 2023 22:13:21 GMT"))
    }

    func testHTTPDates() {
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777)
        XCTAssertEqual(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)), "Sun, 06 Nov 1994 08:49:37 GMT")
        for text in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
                     "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"] {
            XCTAssertNil(HTTPDate.parse(text), text)
        }
    }
}
