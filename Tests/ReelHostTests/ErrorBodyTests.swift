import Foundation
import ReelHost
import XCTest

/// ReelABI's vocabulary: one mapping (reel_plugin_errors.h) for the host,
/// the plugin kit and C plugins, and an error body that stays valid JSON
/// whatever the message holds.
final class ErrorBodyTests: XCTestCase {
    func testCodeNamesRoundTrip() {
        for code in Int32(0)...16 {
            let status = ReelStatus(rawValue: code)
            XCTAssertEqual(ReelStatus(codeName: status.codeName), status, status.codeName)
        }
        XCTAssertNil(ReelStatus(codeName: "teapot"))
        XCTAssertEqual(ReelStatus(rawValue: 99).codeName, "unknown")
        XCTAssertEqual(ReelStatus(rawValue: -1).httpStatus, 500)
    }

    func testTheBodyEscapesQuotesControlsAndBadUTF8() throws {
        let message = "a \"quote\", a \\ backslash,\na newline, a \u{1} control, emoji 👩‍💻, </script>"
        let body = ErrorBody.json(.notFound, message: message, requestId: "id\"1")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let error = try XCTUnwrap(object["error"] as? [String: String])
        XCTAssertEqual(error, ["code": "not_found", "message": message, "requestId": "id\"1"])
        XCTAssertEqual(ErrorBody.escape("a\"b\u{7f}"), "a\\\"b\\u007f")
    }

    func testARouteMayNameACodeMoreSpecificThanItsStatus() throws {
        let body = ErrorBody.json(code: "quota_exceeded", message: "over \"quota\"", requestId: "r1")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        XCTAssertEqual(object["error"] as? [String: String],
                       ["code": "quota_exceeded", "message": "over \"quota\"", "requestId": "r1"])
        // A Connect code name gives the status's own bytes.
        XCTAssertEqual(ErrorBody.json(code: "not_found", message: "m", requestId: "r"),
                       ErrorBody.json(.notFound, message: "m", requestId: "r"))
    }

    func testAccessAndRolesComeFromTheHeader() {
        XCTAssertEqual(Access.allCases.map(\.rawValue), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(Access.ownerOrAdmin.name, "owner-or-admin")
        XCTAssertEqual(ReelRole.signedIn, ["viewer", "creator", "admin"])
        XCTAssertEqual(ReelRole.internal, "internal")
        XCTAssertEqual(Caller.internal.role, ReelRole.internal)
    }
}
