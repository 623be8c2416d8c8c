import ReelPluginKit
import XCTest

/// `host.cache.purge`'s message as the kit writes it (the host's decoder
/// reads the same bytes in ReelHostTests.ResponseCacheTests).
final class GatewayCacheTests: XCTestCase {
    func testThePurgeMessageBytes() {
        XCTAssertEqual(GatewayCache.message(prefixes: ["/media/videos/x/", "bad"]),
                       [0x0a, 16] + Array("/media/videos/x/".utf8) + [0x0a, 3] + Array("bad".utf8))
        XCTAssertEqual(GatewayCache.message(prefixes: [], all: true), [0x10, 0x01])
        let long = String(repeating: "a", count: 200)
        XCTAssertEqual(Array(GatewayCache.message(prefixes: [long]).prefix(3)), [0x0a, 0xc8, 0x01])
    }
}
