import CReelABI
import Foundation
@testable import ReelHost
import XCTest

/// A plugin's reply headers as the host copies them (HostAPI's copyHeaders):
/// well-known names and values become the host's own strings, anything else
/// is copied byte for byte, and rows without a name or value are skipped.
final class ReplyHeaderCopyTests: XCTestCase {
    private func copied(_ rows: [(String?, String?)]) -> [(name: String, value: String)] {
        let strings: [(UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?)] = rows.map { row in
            (row.0.flatMap { strdup($0) }, row.1.flatMap { strdup($0) })
        }
        defer { strings.forEach { free($0.0); free($0.1) } }
        let headers = strings.map { row in
            reel_http_header(name: row.0.map { UnsafePointer($0) }, value: row.1.map { UnsafePointer($0) })
        }
        return headers.withUnsafeBufferPointer { copyHeaders($0.baseAddress, $0.count) }
    }

    func testKnownAndUnknownHeadersCopyAlike() {
        let rows: [(String?, String?)] = [
            ("Content-Type", "application/vnd.apple.mpegurl"), ("Cache-Control", "public, max-age=60"),
            ("ETag", "\"1cb-18a2f-3e8\""), ("content-type", "application/json; charset=utf-8"),
            ("X-Custom", "Grüße"), ("Accept-Ranges", "bytes"), ("Vary", ""), ("X-Long", String(repeating: "v", count: 300)),
        ]
        let result = copied(rows)
        XCTAssertEqual(result.map(\.name), rows.map { $0.0! })
        XCTAssertEqual(result.map(\.value), rows.map { $0.1! })
    }

    func testRowsWithoutNameOrValueAreSkipped() {
        let result = copied([(nil, "x"), ("X-A", nil), ("X-B", "b")])
        XCTAssertEqual(result.map(\.name), ["X-B"])
        XCTAssertEqual(result.map(\.value), ["b"])
        XCTAssertTrue(copyHeaders(nil, 3).isEmpty)
    }

    func testKnownStringsMatchWholeText() {
        let known = KnownHeaderNames(["bytes", "no-cache"])
        for text in ["bytes", "byte", "bytesx", "no-cache", "no-cach", "NO-CACHE", ""] {
            XCTAssertEqual(text.withCString { known.string($0) }, text)
        }
    }
}
