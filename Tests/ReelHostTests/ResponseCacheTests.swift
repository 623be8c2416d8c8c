@testable import ReelHost
import Foundation
import CReelProtoMethodOptions
import XCTest

/// The gateway's shared cache (ResponseCache): what it keeps and refuses,
/// expiry on an injected clock, bounds, purges, 304 and HEAD.
final class ResponseCacheTests: XCTestCase {
    /// A clock the test moves by hand.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var nanos: UInt64 = 1_000_000_000
        var now: UInt64 { lock.withLock { nanos } }
        func advance(seconds: Double) { lock.withLock { nanos += UInt64(seconds * 1e9) } }
    }

    private func makeCache(seconds: Int = 5, entries: Int = 1024, bytes: Int = 32 << 20,
                           clock: Clock = Clock()) -> ResponseCache {
        ResponseCache(limits: .init(seconds: seconds, maxEntries: entries, maxBytes: bytes), clock: { clock.now })
    }

    private func playlist(_ body: String = "#EXTM3U\n", control: String = "public, max-age=60",
                          extra: [(name: String, value: String)] = []) -> HTTPResponse {
        var response = HTTPResponse(status: 200, headers: [("Content-Type", "application/vnd.apple.mpegurl"),
                                                           ("Cache-Control", control), ("ETag", "\"abc\""),
                                                           ("Reel-Plugin", "video/1.0#1")] + extra,
                                    body: Array(body.utf8))
        response.route = "/media/videos/{id}/{path...}"
        response.shareable = true
        return response
    }

    /// A GET that misses, then its answer stored; the ticket.
    @discardableResult
    private func fill(_ cache: ResponseCache, path: String = "/media/videos/v1/a.m3u8", query: String = "",
                      _ response: HTTPResponse) -> HTTPResponse {
        guard case .miss(let ticket?) = cache.lookup(method: "GET", path: path, rawQuery: query, headers: [:]) else {
            XCTFail("expected a miss with a ticket")
            return response
        }
        return cache.store(response, ticket: ticket)
    }

    private func hit(_ cache: ResponseCache, _ method: String = "GET", path: String = "/media/videos/v1/a.m3u8",
                     query: String = "", headers: [String: String] = [:]) -> HTTPResponse? {
        if case .hit(let response) = cache.lookup(method: method, path: path, rawQuery: query, headers: headers) {
            return response
        }
        return nil
    }

    func testAPublicAnswerIsKeptAndAnsweredWithAgeAndItsHeaders() throws {
        let clock = Clock()
        let cache = makeCache(clock: clock)
        fill(cache, playlist())
        clock.advance(seconds: 2.5)
        let response = try XCTUnwrap(hit(cache))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, Array("#EXTM3U\n".utf8))
        XCTAssertEqual(response.header("ETag"), "\"abc\"")
        XCTAssertEqual(response.header("Cache-Control"), "public, max-age=60")
        XCTAssertEqual(response.header("Reel-Plugin"), "video/1.0#1")
        XCTAssertEqual(response.header("Age"), "2")
        XCTAssertEqual(response.route, "/media/videos/{id}/{path...}")
        // HEAD is answered from the stored GET (libmicrohttpd leaves the body out).
        XCTAssertEqual(hit(cache, "HEAD")?.header("ETag"), "\"abc\"")
        // Another query is another answer.
        XCTAssertNil(hit(cache, query: "x=1"))
    }

    func testIfNoneMatchGets304WithTheValidators() throws {
        let cache = makeCache()
        fill(cache, playlist())
        let response = try XCTUnwrap(hit(cache, headers: ["if-none-match": "W/\"abc\", \"zzz\""]))
        XCTAssertEqual(response.status, 304)
        XCTAssertTrue(response.body.isEmpty)
        XCTAssertEqual(response.header("ETag"), "\"abc\"")
        XCTAssertNotNil(response.header("Age"))
        XCTAssertEqual(try XCTUnwrap(hit(cache, headers: ["if-none-match": "\"other\""])).status, 200)
    }

    func testAConditionalMissIsFilledInFullAndAnswered304Here() throws {
        let cache = makeCache()
        guard case .miss(let ticket?) = cache.lookup(method: "GET", path: "/media/videos/v1/a.m3u8", rawQuery: "",
                                                     headers: ["if-none-match": "\"abc\""])
        else { return XCTFail("expected a miss") }
        XCTAssertEqual(ticket.ifNoneMatch, "\"abc\"")
        let answer = cache.store(playlist(), ticket: ticket)
        XCTAssertEqual(answer.status, 304)
        XCTAssertTrue(answer.body.isEmpty)
        XCTAssertEqual(answer.header("Content-Length"), "8", "the 200's length (RFC 9110 §8.6)")
        var json = playlist("{}")
        json.headers[0] = ("Content-Type", "application/json")
        XCTAssertNil(ResponseCache.notModified(json, ifNoneMatch: "\"abc\"").header("Content-Length"),
                     "as the host's JSON 304s")
        // The full answer was kept for the next caller.
        XCTAssertEqual(try XCTUnwrap(hit(cache)).body, Array("#EXTM3U\n".utf8))
        // Not kept (private), the condition is still answered; another tag gets the body.
        let privateAnswer = ResponseCache.notModified(playlist(control: "private, max-age=60"), ifNoneMatch: "W/\"abc\"")
        XCTAssertEqual(privateAnswer.status, 304)
        XCTAssertEqual(ResponseCache.notModified(playlist(), ifNoneMatch: "\"zzz\"").status, 200)
        var failed = playlist()
        failed.status = 403
        XCTAssertEqual(ResponseCache.notModified(failed, ifNoneMatch: "*").status, 403)
    }

    func testWhatIsNeverKept() {
        let cache = makeCache()
        var refused: [HTTPResponse] = []
        refused.append(playlist(control: "private, max-age=60"))
        refused.append(playlist(control: "public, no-cache"))
        refused.append(playlist(control: "public, max-age=60, no-store"))
        refused.append(playlist(control: "max-age=60")) // not said to be public
        refused.append(playlist(control: "public, max-age=0"))
        refused.append(playlist(control: "public"))
        refused.append(playlist(extra: [("Set-Cookie", "a=b")]))
        refused.append(playlist(extra: [("Vary", "Accept-Encoding")]))
        refused.append(playlist(extra: [("Content-Range", "bytes 0-1/9")]))
        var partial = playlist()
        partial.status = 206
        refused.append(partial)
        var guarded = playlist()
        guarded.shareable = false // a route that checks credentials
        refused.append(guarded)
        refused.append(playlist(String(repeating: "x", count: 300 * 1024)))
        for (index, response) in refused.enumerated() {
            fill(cache, path: "/r/\(index)", response)
            XCTAssertNil(hit(cache, path: "/r/\(index)"), "kept: \(response.headers) \(response.status)")
        }
        XCTAssertEqual(cache.count, 0)
    }

    func testRequestsThatBypassTheCache() {
        let cache = makeCache()
        fill(cache, playlist())
        for headers in [["authorization": "Bearer x"], ["cookie": "s=1"], ["range": "bytes=0-3"],
                        ["cache-control": "no-cache"], ["cache-control": "max-age=0"], ["pragma": "no-cache"],
                        ["if-modified-since": "Sun, 06 Dec 2026 00:00:00 GMT"], ["if-match": "\"abc\""],
                        ["content-length": "5"], ["transfer-encoding": "chunked"]] {
            guard case .bypass = cache.lookup(method: "GET", path: "/media/videos/v1/a.m3u8", rawQuery: "", headers: headers)
            else { return XCTFail("not bypassed: \(headers)") }
        }
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            guard case .bypass = cache.lookup(method: method, path: "/media/videos/v1/a.m3u8", rawQuery: "", headers: [:])
            else { return XCTFail("not bypassed: \(method)") }
        }
        // A HEAD miss leaves no ticket: its (bodyless) answer is never stored.
        guard case .miss(nil) = cache.lookup(method: "HEAD", path: "/other", rawQuery: "", headers: [:])
        else { return XCTFail("a HEAD got a ticket") }
        XCTAssertNotNil(hit(cache, headers: ["content-length": "0", "if-none-match": "\"nope\""]))
    }

    func testExpiryFollowsTheShorterOfTheAnswersAndTheLimit() {
        let clock = Clock()
        let cache = makeCache(seconds: 5, clock: clock)
        fill(cache, playlist())
        fill(cache, path: "/short", playlist(control: "public, max-age=600, s-maxage=2"))
        clock.advance(seconds: 2.1)
        XCTAssertNotNil(hit(cache))
        XCTAssertNil(hit(cache, path: "/short")) // s-maxage wins over max-age
        clock.advance(seconds: 3)
        XCTAssertNil(hit(cache)) // the limit (5 s) beats max-age=60
        XCTAssertEqual(cache.count, 0)
        XCTAssertFalse(makeCache(seconds: 0).isEnabled)
    }

    func testPurgesByPrefixAndAll() {
        let cache = makeCache()
        fill(cache, path: "/media/videos/v1/a.m3u8", playlist())
        fill(cache, path: "/media/videos/v2/a.m3u8", playlist())
        fill(cache, path: "/api/v1/videos", query: "q=x", playlist())
        cache.purge(prefixes: ["/media/videos/v1/"])
        XCTAssertNil(hit(cache, path: "/media/videos/v1/a.m3u8"))
        XCTAssertNotNil(hit(cache, path: "/media/videos/v2/a.m3u8"))
        cache.purge(prefixes: ["/api/v1/videos"])
        XCTAssertNil(hit(cache, path: "/api/v1/videos", query: "q=x"))
        cache.purgeAll()
        XCTAssertEqual(cache.count, 0)
    }

    func testAnAnswerReadBeforeAPurgeIsNotStoredAfterIt() {
        let cache = makeCache()
        guard case .miss(let ticket?) = cache.lookup(method: "GET", path: "/media/videos/v1/a.m3u8", rawQuery: "", headers: [:])
        else { return XCTFail("expected a miss") }
        cache.purge(prefixes: ["/media/videos/v1/"])
        _ = cache.store(playlist(), ticket: ticket)
        XCTAssertNil(hit(cache))
    }

    func testBoundsEvictTheLeastRecentlyUsed() {
        // 16 shards of one entry each: a shard holds one answer.
        let cache = makeCache(entries: 16)
        for index in 0..<200 { fill(cache, path: "/p/\(index)", playlist()) }
        XCTAssertLessThanOrEqual(cache.count, 16)
        // Bytes: answers larger than a shard's share are not kept at all.
        let small = makeCache(bytes: 16 * 1024)
        fill(small, playlist(String(repeating: "x", count: 2000)))
        XCTAssertNil(hit(small))
    }

    func testOddPathsAndQueriesKeepTheirOwnKeys() {
        let cache = makeCache()
        fill(cache, path: "/a", query: "b=1", playlist("one"))
        fill(cache, path: "/a%3Fb=1", playlist("two"))
        XCTAssertEqual(hit(cache, path: "/a", query: "b=1")?.body, Array("one".utf8))
        XCTAssertEqual(hit(cache, path: "/a%3Fb=1")?.body, Array("two".utf8))
        XCTAssertNil(hit(cache, path: "/a"))
        XCTAssertNil(hit(cache, path: "/A", query: "b=1"))
    }

    func testASmallFileIsReadIntoMemoryAndItsDescriptorClosed() throws {
        let path = NSTemporaryDirectory() + "reel-cache-\(UUID().uuidString)"
        try Data("0123456789".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var response = playlist("")
        response.file = .init(fd: fd, offset: 2, length: 5)
        let sent = fill(ResponseCacheTests.sharedCache, path: "/file", response)
        XCTAssertNil(sent.file)
        XCTAssertEqual(sent.body, Array("23456".utf8))
        XCTAssertEqual(fcntl(fd, F_GETFD), -1) // closed
        XCTAssertEqual(hit(ResponseCacheTests.sharedCache, path: "/file")?.body, Array("23456".utf8))
    }
    private static let sharedCache = ResponseCache(limits: .init(seconds: 5, maxEntries: 64, maxBytes: 1 << 20))

    func testThePurgeMessageAsPluginsWriteIt() throws {
        // CachePurge { path_prefixes: "/media/videos/x/", "bad" } as ReelPluginKit's GatewayCache writes it.
        let message: [UInt8] = [0x0a, 16] + Array("/media/videos/x/".utf8) + [0x0a, 3] + Array("bad".utf8)
        let decoded = try XCTUnwrap(ResponseCachePurges.decode(message))
        XCTAssertEqual(decoded.prefixes, ["/media/videos/x/"])
        XCTAssertFalse(decoded.all)
        XCTAssertEqual(ResponseCachePurges.decode([0x10, 0x01])?.all, true)
        XCTAssertNil(ResponseCachePurges.decode([0xff, 0xff]))
    }

    func testTheJSONOptIn() {
        var method = MethodInfo(name: "reel.video.v1.VideoService/GetVideo", index: 0, access: .public, input: nil, output: nil)
        XCTAssertEqual(JSONRouteCaching.anonymousCacheControl(method), "no-cache")
        method.sharedCacheSeconds = 5
        XCTAssertEqual(JSONRouteCaching.anonymousCacheControl(method), "public, max-age=0, s-maxage=5")
        XCTAssertEqual(reel_proto_method_shared_cache_seconds("reel.video.v1.VideoService/GetVideo"), 5)
        XCTAssertEqual(reel_proto_method_shared_cache_seconds("reel.video.v1.VideoService/UpdateVideo"), 0)
    }
}
