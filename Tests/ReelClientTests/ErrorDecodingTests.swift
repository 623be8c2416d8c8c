import Foundation
@testable import ReelClient
import XCTest

/// Connect error bodies (and the JSON routes' shape) become typed errors.
final class ErrorDecodingTests: XCTestCase {
    func testAConnectErrorBodyWithDetails() {
        // google.rpc.RequestInfo{request_id: "r-1"}, base64 without padding as Connect sends it.
        let detail = Data([0x0A, 0x03]) + Data("r-1".utf8)
        let value = detail.base64EncodedString().replacingOccurrences(of: "=", with: "")
        let body = Data(#"{"code":"not_found","message":"no video x","details":[{"type":"google.rpc.RequestInfo","value":"\#(value)"}]}"#.utf8)
        let error = ReelError.fromResponse(status: 404, body: body)
        XCTAssertEqual(error, .server(code: .notFound, message: "no video x",
                                      details: [.init(type: "google.rpc.RequestInfo", value: detail)]))
        XCTAssertEqual(error.code, .notFound)
        XCTAssertEqual(error.description, "not_found: no video x")
    }

    func testDetailsInEitherBase64AlphabetAndBrokenOnesSkipped() {
        let bytes = Data([0xFB, 0xFF, 0xFE])  // "+//+" standard, "-__-" URL-safe
        for text in ["+//+", "-__-"] {
            XCTAssertEqual(Data(base64URLOrStandard: text), bytes, text)
        }
        let body = Data(#"{"code":"internal","message":"m","details":[{"type":"a","value":"-__-"},{"type":"b"},{"value":"AA"},{"type":"c","value":"@@@"}]}"#.utf8)
        guard case .server(_, _, let details) = ReelError.fromResponse(status: 500, body: body) else { return XCTFail() }
        XCTAssertEqual(details, [.init(type: "a", value: bytes)])
    }

    func testTheJSONRoutesShape() {
        let body = Data(#"{"error":{"code":"permission_denied","message":"creators only","requestId":"r"}}"#.utf8)
        XCTAssertEqual(ReelError.fromResponse(status: 403, body: body), .server(code: .permissionDenied, message: "creators only"))
    }

    func testNoBodyOrAnUnknownCodeFallsBackToTheHTTPStatus() {
        XCTAssertEqual(ReelError.fromResponse(status: 503, body: Data()), .server(code: .unavailable, message: "HTTP 503"))
        XCTAssertEqual(ReelError.fromResponse(status: 404, body: Data("<html>".utf8)).code, .unimplemented)
        XCTAssertEqual(ReelError.fromResponse(status: 401, body: Data(#"{"code":"teapot","message":"m"}"#.utf8)),
                       .server(code: .unauthenticated, message: "m"))
    }

    func testTheProtocolsHTTPToCodeTable() {
        let table: [Int: ConnectCode] = [400: .internal, 401: .unauthenticated, 403: .permissionDenied, 404: .unimplemented,
                                         408: .deadlineExceeded, 409: .aborted, 412: .failedPrecondition,
                                         413: .resourceExhausted, 415: .internal, 429: .unavailable, 502: .unavailable,
                                         503: .unavailable, 504: .unavailable, 500: .unknown, 418: .unknown]
        for (status, code) in table { XCTAssertEqual(ConnectCode(httpStatus: status), code, "\(status)") }
        XCTAssertEqual(ConnectCode.allCases.count, 16, "every code of the protocol")
        XCTAssertEqual(ConnectCode(rawValue: "invalid_argument"), .invalidArgument)
    }

    func testClientSideErrorsHaveNoCode() {
        for error in [ReelError.transport("t"), .protocolViolation("p"), .notSignedIn, .file("f"), .cancelled] {
            XCTAssertNil(error.code, error.description)
        }
    }
}
