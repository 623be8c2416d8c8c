import CReelABI
import Foundation
@testable import ReelPluginKit
import XCTest

/// The raw route's request head: one copy of the host's C request, looked
/// up by scanning (no dictionaries unless asked for).
final class HTTPRequestHeadTests: XCTestCase {
    /// A head built from a reel_http_request whose strings live only for the call.
    private func head(headers: [(String, String)], params: [(String, String)] = [], contentLength: Int64 = 0,
                      method: String = "GET") -> HTTPRequestHead {
        var strings: [UnsafeMutablePointer<CChar>] = []
        defer { strings.forEach { free($0) } }
        func c(_ s: String) -> UnsafePointer<CChar> {
            let p = strdup(s)!
            strings.append(p)
            return UnsafePointer(p)
        }
        let headerRows = headers.map { reel_http_header(name: c($0.0), value: c($0.1)) }
        let paramRows = params.map { reel_http_header(name: c($0.0), value: c($0.1)) }
        return headerRows.withUnsafeBufferPointer { h in
            paramRows.withUnsafeBufferPointer { p in
                let request = reel_http_request(
                    struct_size: UInt32(MemoryLayout<reel_http_request>.size), route_index: 0,
                    method: c(method), path: c("/media/videos/x/streams/a/index.m3u8"), query: c("a=1"),
                    headers: h.baseAddress, header_count: h.count, params: p.baseAddress, param_count: p.count,
                    content_length: contentLength, request_id: c("req-1"), caller_user_id: c(""),
                    caller_role: c("anonymous"), client_address: c("127.0.0.1"))
                return HTTPRequestHead(request)
            }
        }
    }

    func testFixedFieldsAreCopied() {
        let head = head(headers: [], contentLength: -1, method: "HEAD")
        XCTAssertEqual(head.method, "HEAD")
        XCTAssertTrue(head.methodIs("HEAD"))
        XCTAssertFalse(head.methodIs("GET"))
        XCTAssertFalse(head.methodIs("HEADX"))
        XCTAssertEqual(head.path, "/media/videos/x/streams/a/index.m3u8")
        XCTAssertEqual(head.query, "a=1")
        XCTAssertEqual(head.requestId, "req-1")
        XCTAssertEqual(head.callerUserId, "")
        XCTAssertEqual(head.callerRole, "anonymous")
        XCTAssertEqual(head.clientAddress, "127.0.0.1")
        XCTAssertNil(head.contentLength)
        XCTAssertTrue(head.headers.isEmpty)
        XCTAssertNil(head.header("range"))
    }

    func testHeaderLookupIgnoresCaseAndTakesTheLastDuplicate() {
        let head = head(headers: [("if-none-match", "\"a\""), ("range", "bytes=0-1"), ("if-none-match", "\"b\""),
                                  ("x-empty", "")])
        XCTAssertEqual(head.header("range"), "bytes=0-1")
        XCTAssertEqual(head.header("Range"), "bytes=0-1")
        XCTAssertEqual(head.header("RANGE"), "bytes=0-1")
        XCTAssertEqual(head.header("If-None-Match"), "\"b\"")
        XCTAssertEqual(head.header("x-empty"), "")
        XCTAssertNil(head.header("ranges"))
        XCTAssertNil(head.header("rang"))
        XCTAssertNil(head.header(""))
        // Only letters fold: "-" and "\r" (0x2d and 0x0d) are not the same byte.
        XCTAssertNil(head.header("if\rnone-match"))
        XCTAssertEqual(head.headers, ["if-none-match": "\"b\"", "range": "bytes=0-1", "x-empty": ""])
    }

    func testParametersAreExactAndOutliveTheCRequest() {
        let head = head(headers: [("host", "example")], params: [("id", "3f2a"), ("path", "streams/a1/720p/index.m3u8")],
                        contentLength: 12)
        XCTAssertEqual(head.parameter("id"), "3f2a")
        XCTAssertEqual(head.parameter("path"), "streams/a1/720p/index.m3u8")
        XCTAssertNil(head.parameter("ID"), "parameter names are exact")
        XCTAssertNil(head.parameter("host"), "headers are not parameters")
        XCTAssertEqual(head.parameters, ["id": "3f2a", "path": "streams/a1/720p/index.m3u8"])
        XCTAssertEqual(head.contentLength, 12)
        // The head is a copy: usable after the C strings were freed (by head(...)), from another thread too.
        let copy = head
        let done = expectation(description: "read elsewhere")
        DispatchQueue.global().async {
            XCTAssertEqual(copy.header("HOST"), "example")
            done.fulfill()
        }
        wait(for: [done], timeout: 10)
    }

    func testNonASCIIValuesSurvive() {
        let head = head(headers: [("x-title", "Grüße ✓")], params: [("name", "日本")])
        XCTAssertEqual(head.header("X-Title"), "Grüße ✓")
        XCTAssertEqual(head.parameter("name"), "日本")
    }
}
