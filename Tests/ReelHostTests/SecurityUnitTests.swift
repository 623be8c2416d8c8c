import XCTest
@testable import ReelHost

/// Issue #19's host pieces in process: request framing, safety headers and
/// the revocation table (the live suite Tests/live/security runs them for real).
final class SecurityUnitTests: XCTestCase {
    func testFramingRefusesAmbiguousBodies() {
        func status(_ headers: [(String, String)]) -> Int? {
            RequestFraming.refusal(headers.map { (name: $0.0, value: $0.1) })?.effectiveHTTPStatus
        }
        XCTAssertNil(status([("Content-Length", "13")]))
        XCTAssertNil(status([("Transfer-Encoding", "Chunked")]))
        XCTAssertNil(status([]))
        XCTAssertEqual(status([("Content-Length", "13"), ("Transfer-Encoding", "chunked")]), 400)
        XCTAssertEqual(status([("content-length", "13"), ("Content-Length", "13")]), 400)
        XCTAssertEqual(status([("Content-Length", "13, 13")]), 400)
        XCTAssertEqual(status([("Content-Length", "-1")]), 400)
        XCTAssertEqual(status([("Content-Length", "")]), 400)
        XCTAssertEqual(status([("Transfer-Encoding", "gzip")]), 501)
        XCTAssertEqual(status([("Transfer-Encoding", "gzip, chunked")]), 501)
        XCTAssertEqual(status([("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")]), 501)
    }

    func testSecurityHeaders() {
        let json = HTTPResponse.jsonText(429, #"{"error":{"code":"resource_exhausted","message":"too many attempts; try again in 42 s"}}"#)
        let headers = Dictionary(SecurityHeaders.extra(for: json).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        XCTAssertEqual(headers["X-Content-Type-Options"], "nosniff")
        XCTAssertEqual(headers["Cache-Control"], "no-store")
        XCTAssertEqual(headers["Retry-After"], "42")
        let cached = HTTPResponse(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=60")])
        XCTAssertFalse(SecurityHeaders.extra(for: cached).contains { $0.name == "Cache-Control" })
        let media = HTTPResponse(status: 200, headers: [("Content-Type", "video/mp4")])
        XCTAssertEqual(SecurityHeaders.extra(for: media).map(\.name), ["X-Content-Type-Options"])
        XCTAssertNil(SecurityHeaders.retryAfter(Array("try again in soon s".utf8)))
        XCTAssertNil(SecurityHeaders.retryAfter(Array("try again in 5 minutes".utf8)))
    }

    func testRevocationTableKeepsTheLatestCutoff() {
        let table = RevocationTable()
        XCTAssertFalse(table.isRevoked(userID: "u", issuedMs: 1))
        table.record(userID: "U", notBeforeMs: 1_000)
        table.record(userID: "u", notBeforeMs: 500)  // never moves back
        XCTAssertTrue(table.isRevoked(userID: "u", issuedMs: 999))
        XCTAssertFalse(table.isRevoked(userID: "u", issuedMs: 1_000))
        XCTAssertFalse(table.isRevoked(userID: "other", issuedMs: 0))
    }
}
