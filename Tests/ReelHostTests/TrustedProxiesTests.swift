@testable import ReelHost
import XCTest

/// REEL_TRUSTED_PROXIES: X-Forwarded-For names the client only when the
/// connection comes from a trusted proxy.
final class TrustedProxiesTests: XCTestCase {
    func testTheLastForwardedAddressFromATrustedProxy() {
        let proxies = TrustedProxies(parsing: "127.0.0.1, 10.1.0.0/16")
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "198.51.100.7"), "198.51.100.7")
        XCTAssertEqual(proxies.clientAddress(peer: "10.1.200.3", forwardedFor: "203.0.113.1, 198.51.100.7"), "198.51.100.7")
        XCTAssertEqual(proxies.clientAddress(peer: "::ffff:127.0.0.1", forwardedFor: "2001:db8::1"), "2001:db8::1")
    }

    func testIgnoredFromAnyoneElseOrWhenNotAnAddress() {
        let proxies = TrustedProxies(parsing: "127.0.0.1,10.1.0.0/16")
        XCTAssertEqual(proxies.clientAddress(peer: "10.2.0.1", forwardedFor: "198.51.100.7"), "10.2.0.1")
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: nil), "127.0.0.1")
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "not an address"), "127.0.0.1")
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "1.2.3.4, 256.1.1.1"), "127.0.0.1")
        XCTAssertEqual(TrustedProxies().clientAddress(peer: "127.0.0.1", forwardedFor: "198.51.100.7"), "127.0.0.1")
    }

    func testBadEntriesAreSkipped() {
        let proxies = TrustedProxies(parsing: "nonsense 10.0.0.0/40 1.2.3 192.168.1.0/24")
        XCTAssertTrue(proxies.contains("192.168.1.77"))
        XCTAssertFalse(proxies.contains("10.0.0.1"))
        XCTAssertFalse(proxies.contains("192.168.2.1"))
    }
}
