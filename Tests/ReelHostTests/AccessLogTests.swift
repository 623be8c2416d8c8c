import Foundation
import XCTest
@testable import ReelHost

/// The hand-written access-log line is valid JSON with the same fields as
/// before, and the fast helpers on the request path agree with Foundation.
final class AccessLogTests: XCTestCase {
    func testLinesAreValidJSON() throws {
        var line = JSONLine(capacity: 64)
        line.key("bytes", first: true); line.number(42)
        line.key("durationMs"); line.millis(12_345)
        line.key("path"); line.string("/a \"quoted\" \\ path\u{1}\n/é")
        line.key("short"); line.millis(7)
        line.end()
        XCTAssertEqual(line.bytes.last, 0x0A)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.bytes.dropLast())) as? [String: Any])
        XCTAssertEqual(object["bytes"] as? Int, 42)
        XCTAssertEqual(object["durationMs"] as? Double, 12.345)
        XCTAssertEqual(object["short"] as? Double, 0.007)
        XCTAssertEqual(object["path"] as? String, "/a \"quoted\" \\ path\u{1}\n/é")
    }

    func testTimestampsAndRequestIDs() {
        let stamp = LogClock.timestamp()
        XCTAssertNotNil(stamp.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression), stamp)
        let ids = (0..<1000).map { _ in RequestID.make() }
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertTrue(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { isxdigit(Int32($0)) != 0 } })
        XCTAssertEqual(RequestID.accept(ids[0]), ids[0])
    }

    func testHeaderNamesLowerCased() {
        for name in ["Content-Length", "range", "IF-NONE-MATCH", "X-Ünïcode"] {
            XCTAssertEqual(ASCIIText.lowercased(name), name.lowercased())
        }
    }
}
