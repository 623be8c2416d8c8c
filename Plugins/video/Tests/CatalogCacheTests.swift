import XCTest
@testable import VideoCore

/// The in-memory answers: kept only while listening and unchanged, bounded,
/// and dropped by a change, a reconnection or `forget`.
final class CatalogCacheTests: XCTestCase {
    private func listening() -> CatalogCache {
        let cache = CatalogCache(maxAgeSeconds: 60)
        cache.setListening(true)
        return cache
    }

    private func keep(_ cache: CatalogCache, _ key: CatalogCache.Key, _ bytes: [UInt8]) {
        guard let ticket = cache.ticket() else { return XCTFail("no ticket while listening") }
        cache.store(bytes, for: key, ticket: ticket)
    }

    func testKeepsAnswersByKeyUntilAChange() {
        let cache = listening()
        let video = CatalogCache.Key.video(id: "a")
        let search = CatalogCache.Key.page(order: .newest, limit: 20, tag: nil, search: "mountain")
        keep(cache, video, [1])
        keep(cache, search, [2])
        XCTAssertEqual(cache.page(video), [1])
        XCTAssertEqual(cache.page(search), [2])
        XCTAssertNil(cache.page(.page(order: .newest, limit: 20, tag: nil, search: nil)))
        XCTAssertNil(cache.page(.page(order: .newest, limit: 10, tag: nil, search: "mountain")))
        cache.forget(video)
        XCTAssertNil(cache.page(video))
        XCTAssertEqual(cache.page(search), [2], "forgetting one video keeps the pages")
        cache.changed()
        XCTAssertNil(cache.page(search))
    }

    func testAnAnswerReadBeforeAChangeIsNotKept() {
        let cache = listening()
        guard let ticket = cache.ticket() else { return XCTFail("no ticket") }
        cache.changed()
        cache.store([1], for: .video(id: "a"), ticket: ticket)
        XCTAssertNil(cache.page(.video(id: "a")))
    }

    func testNothingIsKeptWhileNotListening() {
        let cache = CatalogCache(maxAgeSeconds: 60)
        XCTAssertNil(cache.ticket())
        let on = listening()
        keep(on, .video(id: "a"), [1])
        on.setListening(false)
        XCTAssertNil(on.page(.video(id: "a")))
        XCTAssertNil(CatalogCache(maxAgeSeconds: 0).ticket(), "0 turns it off")
    }

    func testTheEntryCountIsBounded() {
        let cache = listening()
        for i in 0..<(CatalogCache.maxEntries + 50) { keep(cache, .video(id: "v\(i)"), [UInt8(i & 0xff)]) }
        let kept = (0..<(CatalogCache.maxEntries + 50)).filter { cache.page(.video(id: "v\($0)")) != nil }
        XCTAssertEqual(kept.count, CatalogCache.maxEntries)
        XCTAssertNotNil(cache.page(.video(id: "v\(CatalogCache.maxEntries + 49)")), "the newest stays")
    }
}
