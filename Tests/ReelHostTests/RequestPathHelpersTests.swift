import CReelSupport
import Foundation
import XCTest
@testable import ReelHost

/// The hand-written helpers every request goes through give exactly what
/// the general code they replace gave (inet_ntop, dictionary lookups,
/// String concatenation, the escaping writer).
final class RequestPathHelpersTests: XCTestCase {
    func testDottedQuadMatchesInetNtop() {
        let samples: [[UInt8]] = [[127, 0, 0, 1], [0, 0, 0, 0], [255, 255, 255, 255], [10, 9, 100, 99],
                                  [192, 168, 1, 200], [1, 22, 203, 4]]
        for octets in samples {
            var address = in_addr()
            withUnsafeMutableBytes(of: &address) { raw in for (i, octet) in octets.enumerated() { raw[i] = octet } }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            XCTAssertNotNil(inet_ntop(AF_INET, &address, &text, socklen_t(text.count)))
            let expected = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            XCTAssertEqual(HTTPServer.dottedQuad(address.s_addr), expected)
        }
    }

    func testServerHeadersAreTheLastValuesByLowerCasedName() {
        var headers = RequestHeaders(byName: [:], all: [])
        let sent = [("X-Request-Id", "first"), ("Host", "h"), ("x-request-id", "abc"), ("X-Forwarded-For", "10.0.0.1"),
                    ("traceparent", "tp"), ("TraceState", "a=b"), ("Content-Length", "12"),
                    ("Transfer-Encoding", "chunked"), ("X-Request-Idx", "not it")]
        for (name, value) in sent {
            let lower = ASCIIText.lowercased(name)
            headers.byName[lower] = value
            headers.note(lower, value)
        }
        XCTAssertEqual(headers.requestId, headers.byName["x-request-id"])
        XCTAssertEqual(headers.requestId, "abc")
        XCTAssertEqual(headers.forwardedFor, headers.byName["x-forwarded-for"])
        XCTAssertEqual(headers.traceparent, headers.byName["traceparent"])
        XCTAssertEqual(headers.tracestate, headers.byName["tracestate"])
        XCTAssertEqual(headers.contentLength, headers.byName["content-length"])
        XCTAssertEqual(headers.transferEncoding, headers.byName["transfer-encoding"])
        XCTAssertNil(RequestHeaders(byName: [:], all: []).requestId)
    }

    func testEntityTagIsTheWeakHexOfThePayloadsHash() {
        for payload: [UInt8] in [[], [1, 2, 3], Array("a catalog page".utf8)] {
            let hash = payload.withUnsafeBufferPointer { reel_hash64($0.baseAddress, $0.count) }
            let hex = String(hash, radix: 16)
            XCTAssertEqual(JSONEntityTag.of(payload), "W/\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\"")
        }
    }

    func testHexAndNewTraces() {
        XCTAssertEqual(RequestID.hex(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, digits: 32),
                       "0123456789abcdeffedcba9876543210")
        XCTAssertEqual(RequestID.hex(0x0123_4567_89ab_cdef, 0, digits: 16), "0123456789abcdef")
        XCTAssertEqual(RequestID.hex(0xf, 0, digits: 16), "000000000000000f")
        XCTAssertEqual(RequestID.hex(0xabcd_ef01_2345_6789, 0, digits: 5), "abcde")
        for _ in 0..<200 {
            let (a, b) = RequestID.randomWords()
            let padded = { (word: UInt64) in
                String(repeating: "0", count: 16 - String(word, radix: 16).count) + String(word, radix: 16)
            }
            XCTAssertEqual(RequestID.hex(a, b, digits: 32), padded(a) + padded(b))
            XCTAssertEqual(RequestID.hex(a, b, digits: 21), String((padded(a) + padded(b)).prefix(21)))
        }
        for _ in 0..<100 {
            let trace = TraceContext.started()
            // The header written from the words is the one pieced together from the ids.
            XCTAssertEqual(trace.traceparent, "00-\(trace.traceId)-\(trace.spanId)-01")
            XCTAssertEqual(trace.traceId.utf8.count, 32)
            XCTAssertEqual(trace.spanId.utf8.count, 16)
            XCTAssertNotNil(TraceContext.parse(trace.traceparent))
        }
        let words = (0..<1000).map { _ in RequestID.randomWord() }
        XCTAssertEqual(Set(words).count, words.count)
    }

    func testPlainAndEscapedStringsInALine() throws {
        var line = JSONLine(capacity: 16) // grows past its first capacity
        line.raw(#""a":"#); line.plain("0123456789abcdef0123456789abcdef")
        line.raw(#","b":"#); line.string("tab\there \"q\"")
        line.raw(#","ts":"#); line.timestamp()
        line.end()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.bytes.dropLast())) as? [String: Any])
        XCTAssertEqual(object["a"] as? String, "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(object["b"] as? String, "tab\there \"q\"")
        let stamp = try XCTUnwrap(object["ts"] as? String)
        XCTAssertNotNil(stamp.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression), stamp)
    }

    func testFramingTokenCheckAndLengths() {
        XCTAssertTrue(RequestFraming.isToken("X-Custom_Header.1~"))
        XCTAssertFalse(RequestFraming.isToken("Content-Length "))
        XCTAssertFalse(RequestFraming.isToken(""))
        XCTAssertFalse(RequestFraming.isToken("Bad:Name"))
        XCTAssertEqual(RequestFraming.refusal([(name: "Content-Length ", value: "1")])?.effectiveHTTPStatus, 400)
        XCTAssertEqual(RequestFraming.refusal([(name: "CONTENT-LENGTH", value: "1"), (name: "content-length", value: "1")])?
            .effectiveHTTPStatus, 400)
        XCTAssertEqual(RequestFraming.refusal([(name: "Content-Length", value: "1234567890123456789")])?.effectiveHTTPStatus, 400)
        XCTAssertNil(RequestFraming.refusal([(name: "Content-Length", value: "123456789012345678")]))
    }
}

/// The metric handle cache hands out one handle per label set, whatever
/// order the keys come in (its last-used shortcut included).
final class SeriesCacheTests: XCTestCase {
    func testOneHandlePerKey() {
        final class Handle: Sendable {}
        let cache = SeriesCache<String, Handle>()
        var made = 0
        func get(_ key: String) -> Handle { cache.get(key) { made += 1; return Handle() } }
        let a = get("a"), b = get("b")
        XCTAssertTrue(get("a") === a)
        XCTAssertTrue(get("a") === a) // the last-used shortcut
        XCTAssertTrue(get("b") === b)
        XCTAssertTrue(get("a") === a)
        XCTAssertFalse(a === b)
        XCTAssertEqual(made, 2)
        XCTAssertEqual(cache.count, 2)
    }

    /// Threads with their own last-used shortcut still share one handle per key.
    func testOneHandlePerKeyAcrossThreads() {
        final class Handle: Sendable {}
        let cache = SeriesCache<String, Handle>()
        let made = NSLock()
        nonisolated(unsafe) var count = 0
        nonisolated(unsafe) var seen: [[ObjectIdentifier]] = Array(repeating: [], count: 8)
        let seenLock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var mine: [ObjectIdentifier] = []
            for i in 0..<2000 {
                let key = ["a", "b", "c"][(i / (worker + 1)) % 3]
                mine.append(ObjectIdentifier(cache.get(key) { made.withLock { count += 1 }; return Handle() }))
            }
            seenLock.withLock { seen[worker] = mine }
        }
        XCTAssertEqual(made.withLock { count }, 3)
        XCTAssertEqual(Set(seen.joined()).count, 3)
        XCTAssertEqual(cache.count, 3)
    }

    func testRequestSeriesCountEachRequestOnce() {
        let metrics = HostMetrics()
        for status in [200, 200, 404, 200] {
            metrics.requestStarted()
            metrics.requestFinished(method: "GET", route: "/healthz", status: status, seconds: 0.001,
                                    requestBytes: 0, responseBytes: 15)
        }
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        XCTAssertTrue(text.contains(#"http_server_request_duration_seconds_count{http_request_method="GET",http_route="/healthz",http_response_status_code="200"} 3"#), text)
        XCTAssertTrue(text.contains(#"http_server_request_duration_seconds_count{http_request_method="GET",http_route="/healthz",http_response_status_code="404"} 1"#), text)
    }
}
