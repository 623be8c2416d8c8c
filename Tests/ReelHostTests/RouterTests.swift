import XCTest
@testable import ReelHost

final class RouterTests: XCTestCase {
    private func router() -> Router<String> {
        var router = Router<String>()
        router.add("GET", RoutePattern("/api/v1/videos/{id}")!, "video")
        router.add("GET", RoutePattern("/api/v1/videos/mine")!, "mine")
        router.add("PATCH", RoutePattern("/api/v1/videos/{id}")!, "edit")
        router.add("GET", RoutePattern("/api/v1/videos")!, "list")
        return router
    }

    func testLiteralSegmentsWinOverParameters() {
        guard case .found(let target, let parameters) = router().match(method: "GET", path: "/api/v1/videos/mine") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(target, "mine")
        XCTAssertEqual(parameters, [:])
    }

    func testParametersArePercentDecodedPerSegment() {
        guard case .found(let target, let parameters) = router().match(method: "GET", path: "/api/v1/videos/a%20b") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(target, "video")
        XCTAssertEqual(parameters, ["id": "a b"])
    }

    func testEncodedSlashAndDotSegmentsNeverMatch() {
        for path in ["/api/v1/videos/a%2Fb", "/api/v1/videos/..", "/api/v1/videos/%2e%2e", "/api/v1/videos/%00", "/api/v1/videos/%zz"] {
            guard case .badPath = router().match(method: "GET", path: path) else { return XCTFail("\(path) was not refused") }
        }
    }

    /// A path whose first segment no route starts with is not found without
    /// decoding, but a malformed one is still refused as such, and a route
    /// starting with a parameter turns the shortcut off.
    func testAPathNoRouteStartsWithIsNotFoundAndAMalformedOneStillBad() {
        for path in ["/healthz", "/media/videos/x/a.m3u8", "//other/", "/apix/v1/videos"] {
            guard case .notFound = router().match(method: "GET", path: path) else { return XCTFail("\(path) was found") }
        }
        for path in ["/healthz/..", "/healthz/%2F", "/%zz", "/healthz/a%00", "/.."] {
            guard case .badPath = router().match(method: "GET", path: path) else { return XCTFail("\(path) was not refused") }
        }
        guard case .notFound = Router<String>().match(method: "GET", path: "/") else { return XCTFail("/ was found") }
        var router = router()
        router.add("GET", RoutePattern("/{anything}")!, "any")
        guard case .found(let target, _) = router.match(method: "GET", path: "/healthz") else { return XCTFail("no match") }
        XCTAssertEqual(target, "any")
        guard case .found(let escaped, _) = router.match(method: "GET", path: "/api/v1/videos/%41") else { return XCTFail("no match") }
        XCTAssertEqual(escaped, "video")
    }

    func testWrongMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = router().match(method: "DELETE", path: "/api/v1/videos/7") else {
            return XCTFail("expected 405")
        }
        XCTAssertEqual(allowed, ["GET", "PATCH"])
    }

    func testHeadMatchesGetAndUnknownPathIsNotFound() {
        guard case .found(let target, _) = router().match(method: "HEAD", path: "/api/v1/videos") else { return XCTFail("HEAD") }
        XCTAssertEqual(target, "list")
        guard case .notFound = router().match(method: "GET", path: "/api/v2/nothing") else { return XCTFail("expected 404") }
    }

    func testDuplicateRouteIsRefused() {
        var router = router()
        XCTAssertFalse(router.add("GET", RoutePattern("/api/v1/videos/{other}")!, "dup"))
        XCTAssertTrue(router.add("DELETE", RoutePattern("/api/v1/videos/{id}")!, "delete"))
    }

    func testMalformedPatternsAreRejected() {
        XCTAssertNil(RoutePattern("no/leading/slash"))
        XCTAssertNil(RoutePattern("/api/{broken"))
        XCTAssertNil(RoutePattern("/api/x{id}"))
    }

    func testQueryParsing() {
        let parsed = PercentDecoding.parseQuery("a=1&b=x%20y+z&flag&c=%E2%82%AC")
        XCTAssertEqual(parsed?.map(\.name), ["a", "b", "flag", "c"])
        XCTAssertEqual(parsed?.map(\.value), ["1", "x y z", "", "€"])
        XCTAssertNil(PercentDecoding.parseQuery("a=%ff%fe"), "invalid UTF-8 is refused")
    }

    // MARK: Catch-all segments ("{name...}", last only)

    private func mediaRouter() -> Router<String> {
        var router = Router<String>()
        router.add("GET", RoutePattern("/media/videos/{id}/{path...}")!, "media")
        router.add("GET", RoutePattern("/media/videos/{id}/poster")!, "poster")
        router.add("GET", RoutePattern("/media/videos/{id}/{file}")!, "file")
        return router
    }

    func testCatchAllTakesTheRestOfThePathDecodedSegmentBySegment() {
        guard case .found(let target, let parameters) = mediaRouter().match(
            method: "GET", path: "/media/videos/7/streams/a1-x/720p/seg%2D00001.m4s") else { return XCTFail("no match") }
        XCTAssertEqual(target, "media")
        XCTAssertEqual(parameters, ["id": "7", "path": "streams/a1-x/720p/seg-00001.m4s"])
        guard case .found(_, let head) = mediaRouter().match(method: "HEAD", path: "/media/videos/7/a/b") else {
            return XCTFail("HEAD does not match GET")
        }
        XCTAssertEqual(head["path"], "a/b")
    }

    func testCatchAllNeedsAtLeastOneSegmentAndLosesToFixedPatterns() {
        guard case .notFound = mediaRouter().match(method: "GET", path: "/media/videos/7") else { return XCTFail("empty rest") }
        guard case .found(let poster, _) = mediaRouter().match(method: "GET", path: "/media/videos/7/poster") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(poster, "poster")
        guard case .found(let file, _) = mediaRouter().match(method: "GET", path: "/media/videos/7/x.jpg") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(file, "file", "one segment: the fixed-length pattern wins")
    }

    func testCatchAllNeverLetsTraversalThrough() {
        for path in ["/media/videos/7/streams/../../etc/passwd", "/media/videos/7/streams/%2e%2e/x",
                     "/media/videos/7/a%2Fb/c", "/media/videos/7/a/%2E/c", "/media/videos/7/a/b%00.m4s",
                     "/media/videos/7/.%2e/c", "/media/videos/7/a/%zz"] {
            guard case .badPath = mediaRouter().match(method: "GET", path: path) else {
                return XCTFail("\(path) was not refused")
            }
        }
    }

    func testCatchAllPatternRules() {
        XCTAssertNil(RoutePattern("/a/{rest...}/b"), "a catch-all must come last")
        XCTAssertNotNil(RoutePattern("/a/{rest...}"))
        let a = RoutePattern("/media/{p...}")!, b = RoutePattern("/media/{q...}")!, c = RoutePattern("/media/{id}")!
        XCTAssertTrue(a.hasSameShape(as: b))
        XCTAssertFalse(a.hasSameShape(as: c))
        var router = Router<String>()
        XCTAssertTrue(router.add("GET", a, "a"))
        XCTAssertFalse(router.add("GET", b, "b"))
        XCTAssertTrue(router.add("GET", c, "c"))
    }

    /// A '/' followed by a combining mark is one Swift Character: splitting
    /// on Characters left the '/' inside a segment (tools/fuzz, router).
    func testSegmentsSplitOnTheSlashByteEvenBeforeACombiningMark() {
        XCTAssertEqual(Router<String>.decodeSegments("/a/\u{301}b/c"), ["a", "\u{301}b", "c"])
        XCTAssertEqual(Router<String>.decodeSegments("/media/s/1/\u{34B}8"), ["media", "s", "1", "\u{34B}8"])
        if case .found(_, let parameters) = router().match(method: "GET", path: "/api/v1/videos/x/\u{301}") {
            XCTFail("a two-segment id matched: \(parameters)")
        }
    }
}
