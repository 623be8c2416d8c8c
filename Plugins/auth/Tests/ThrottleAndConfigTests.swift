@testable import AuthCore
import ReelPluginKit
import XCTest

final class ThrottleAndConfigTests: XCTestCase {
    func testBackoffStartsAtTheThresholdAndDoubles() {
        let backoff = Backoff()
        XCTAssertEqual((1...4).map(backoff.lockSeconds(afterFailures:)), [0, 0, 0, 0])
        XCTAssertEqual((5...9).map(backoff.lockSeconds(afterFailures:)), [1, 2, 4, 8, 16])
        XCTAssertEqual(backoff.lockSeconds(afterFailures: 15), 900)  // 1024 capped at 15 min
        XCTAssertEqual(backoff.lockSeconds(afterFailures: 10_000), 900)
    }

    func testBackoffCapComesFromConfig() throws {
        let config = try AuthConfig(["REEL_AUTH_LOCKOUT_MAX_SECONDS": "2", "REEL_AUTH_LOCKOUT_BASE_SECONDS": "1"].lookup)
        XCTAssertEqual(config.backoff.lockSeconds(afterFailures: 20), 2)
        XCTAssertEqual(config.backoff.lockSeconds(afterFailures: 5), 1)
    }

    func testConfigDefaultsAndBadValues() throws {
        let defaults = try AuthConfig([String: String]().lookup)
        XCTAssertEqual(defaults, AuthConfig())
        XCTAssertEqual(defaults.accessTokenSeconds, 900)
        XCTAssertEqual(defaults.refreshTokenSeconds, 30 * 24 * 3600)
        XCTAssertEqual(try AuthConfig(["REEL_AUTH_ACCESS_TTL_SECONDS": "60"].lookup).accessTokenSeconds, 60)
        for bad in ["0", "-1", "ten", ""] {
            XCTAssertThrowsError(try AuthConfig(["REEL_AUTH_LOCKOUT_MAX_SECONDS": bad].lookup), bad)
        }
    }

    func testThrottleKeys() {
        XCTAssertEqual(ThrottleStore.keys(email: "a@b.c", address: "127.0.0.1"), ["account:a@b.c", "address:127.0.0.1"])
        XCTAssertEqual(ThrottleStore.keys(email: "a@b.c", address: ""), ["account:a@b.c"])
    }

    func testCursorRoundTripAndGarbage() throws {
        let cursor = UserCursor(createdMicros: 1_732_480_000_123_456, id: "9f1c2d3e-0000-4000-8000-00000000000a")
        XCTAssertEqual(try UserCursor(decoding: cursor.encoded), cursor)
        XCTAssertFalse(cursor.encoded.contains("="))
        for garbage in ["x", "!!!", Data("12:nope".utf8).base64URLEncoded, Data("abc:9f1c2d3e-0000-4000-8000-00000000000a".utf8).base64URLEncoded] {
            XCTAssertThrowsError(try UserCursor(decoding: garbage), garbage)
        }
    }
}

private extension Dictionary where Key == String, Value == String {
    var lookup: (String) -> String? { { self[$0] } }
}
