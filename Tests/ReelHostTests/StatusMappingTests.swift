import XCTest
@testable import ReelHost

final class StatusMappingTests: XCTestCase {
    func testEveryCodeHasTheConnectNameAndHTTPStatus() {
        let expected: [(ReelStatus, String, Int)] = [
            (.canceled, "canceled", 499), (.unknown, "unknown", 500), (.invalidArgument, "invalid_argument", 400),
            (.deadlineExceeded, "deadline_exceeded", 504), (.notFound, "not_found", 404),
            (.alreadyExists, "already_exists", 409), (.permissionDenied, "permission_denied", 403),
            (.resourceExhausted, "resource_exhausted", 429), (.failedPrecondition, "failed_precondition", 400),
            (.aborted, "aborted", 409), (.outOfRange, "out_of_range", 400), (.unimplemented, "unimplemented", 501),
            (.internal, "internal", 500), (.unavailable, "unavailable", 503), (.dataLoss, "data_loss", 500),
            (.unauthenticated, "unauthenticated", 401),
        ]
        for (status, name, http) in expected {
            XCTAssertEqual(status.codeName, name)
            XCTAssertEqual(status.httpStatus, http, name)
        }
    }

    func testWebErrorBodyShape() throws {
        let response = HTTPResponse.error(.bodyTooLarge(limit: 10), requestId: "r1")
        XCTAssertEqual(response.status, 413)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let error = try XCTUnwrap(object["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "resource_exhausted")
        XCTAssertEqual(error["requestId"] as? String, "r1")
        XCTAssertTrue((error["message"] as? String ?? "").contains("10 bytes"))
    }

    func testAccessChecks() {
        let guardian = AnonymousGuard()
        let viewer = Caller(userId: "u1", role: "viewer")
        let admin = Caller(userId: "u2", role: "admin")
        XCTAssertNoThrow(try guardian.authorize(.anonymous, for: .public))
        XCTAssertThrowsError(try guardian.authorize(.anonymous, for: .user)) { XCTAssertEqual(($0 as? APIError)?.status, .unauthenticated) }
        XCTAssertThrowsError(try guardian.authorize(viewer, for: .creator)) { XCTAssertEqual(($0 as? APIError)?.status, .permissionDenied) }
        XCTAssertThrowsError(try guardian.authorize(viewer, for: .admin)) { XCTAssertEqual(($0 as? APIError)?.status, .permissionDenied) }
        XCTAssertNoThrow(try guardian.authorize(admin, for: .admin))
        XCTAssertNoThrow(try guardian.authorize(viewer, for: .ownerOrAdmin))
        XCTAssertThrowsError(try guardian.authorize(admin, for: .internal))
    }
}
