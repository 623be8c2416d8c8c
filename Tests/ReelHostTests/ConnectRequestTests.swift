import Foundation
import XCTest
@testable import ReelHost

/// The Connect protocol's request side, in process: encodings (gzip bounded),
/// GET queries, timeouts, protocol versions.
final class ConnectRequestTests: XCTestCase {
    private let limit = 1 << 20

    private func post(_ body: [UInt8], _ headers: [String: String] = [:]) -> HTTPRequest {
        HTTPRequest(method: "POST", path: "/rpc/reel.helloc.v1.EchoService/Echo",
                    headers: ["content-type": "application/proto"].merging(headers) { $1 }, body: body)
    }

    private func code(_ body: () throws(APIError) -> Void) -> String? {
        do throws(APIError) { try body(); return nil } catch { return error.status.codeName }
    }

    func testGzipRoundTripAndIdentity() throws {
        let text = Array(String(repeating: "reel ", count: 1000).utf8)
        let zipped = try XCTUnwrap(ConnectEncoding.gzip(text))
        XCTAssertLessThan(zipped.count, text.count)
        let request = try ConnectRequest(post(zipped, ["content-encoding": "gzip"]),
                                         method: "reel.helloc.v1.EchoService/Echo", maxBytes: limit)
        XCTAssertEqual(request.message, text)
        let plain = try ConnectRequest(post(text, ["content-encoding": "identity"]),
                                       method: "reel.helloc.v1.EchoService/Echo", maxBytes: limit)
        XCTAssertEqual(plain.message, text)
    }

    func testABombStopsAtTheLimit() throws {
        let bomb = try XCTUnwrap(ConnectEncoding.gzip([UInt8](repeating: 0, count: 8 << 20)))
        XCTAssertThrowsError(try ConnectEncoding.gzip.decode(bomb, limit: limit)) { error in
            XCTAssertEqual((error as? APIError)?.status, .resourceExhausted)
            XCTAssertEqual((error as? APIError)?.effectiveHTTPStatus, 413)
        }
        // Exactly the limit inflates.
        let full = try XCTUnwrap(ConnectEncoding.gzip([UInt8](repeating: 7, count: limit)))
        XCTAssertEqual(try ConnectEncoding.gzip.decode(full, limit: limit).count, limit)
        XCTAssertEqual(try ConnectEncoding.gzip.decode(try XCTUnwrap(ConnectEncoding.gzip([])), limit: limit), [])
    }

    func testMalformedGzipIsInvalidArgument() throws {
        let zipped = try XCTUnwrap(ConnectEncoding.gzip(Array("hello".utf8)))
        for broken in [Array("not gzip".utf8), Array(zipped.dropLast(4)), zipped + [1, 2, 3]] {
            XCTAssertEqual(code { () throws(APIError) in _ = try ConnectEncoding.gzip.decode(broken, limit: limit) },
                           "invalid_argument")
        }
    }

    func testUnknownEncodingIsUnimplementedAndNamesWhatIsAccepted() {
        XCTAssertThrowsError(try ConnectRequest(post([], ["content-encoding": "br"]), method: "x/y", maxBytes: limit)) {
            let error = $0 as? APIError
            XCTAssertEqual(error?.status, .unimplemented)
            XCTAssertTrue(error?.message.contains("gzip, identity") ?? false)
            XCTAssertEqual(ConnectHandler.errorResponse(error!).header("Accept-Encoding"), "gzip, identity")
        }
    }

    func testAcceptEncoding() {
        XCTAssertTrue(ConnectEncoding.acceptsGzip("gzip"))
        XCTAssertTrue(ConnectEncoding.acceptsGzip("br, GZIP;q=0.5"))
        XCTAssertFalse(ConnectEncoding.acceptsGzip("gzip;q=0"))
        XCTAssertFalse(ConnectEncoding.acceptsGzip("identity"))
        XCTAssertFalse(ConnectEncoding.acceptsGzip(nil))
    }

    func testTimeouts() throws {
        XCTAssertEqual(try ConnectRequest.timeout("1500"), 1.5)
        XCTAssertNil(try ConnectRequest.timeout(nil))
        for bad in ["", "0", "-1", "1.5", "12345678901", "١٢"] {
            XCTAssertEqual(code { () throws(APIError) in _ = try ConnectRequest.timeout(bad) }, "invalid_argument", bad)
        }
    }

    func testGetOnlyForSideEffectFreeMethods() throws {
        XCTAssertTrue(ConnectRequest.isSideEffectFree("reel.video.v1.VideoService/GetVideo"))
        XCTAssertFalse(ConnectRequest.isSideEffectFree("reel.hello.v1.HelloService/Greet"))
        XCTAssertTrue(ConnectRequest.isSideEffectFree("reel.notification.v1.NotificationService/ListNotifications"))
        XCTAssertFalse(ConnectRequest.isSideEffectFree("reel.notification.v1.NotificationService/MarkRead"))
        XCTAssertEqual(ConnectRequest.allowedHTTPMethods("reel.video.v1.VideoService/GetVideo"), ["GET", "POST"])
        XCTAssertEqual(ConnectRequest.allowedHTTPMethods("reel.hello.v1.HelloService/Greet"), ["POST"])
        let message = Data([0x0A, 0x02, 0x68, 0x69]).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let get = HTTPRequest(method: "GET", path: "/rpc/reel.video.v1.VideoService/GetVideo",
                              query: [("connect", "v1"), ("encoding", "proto"), ("base64", "1"), ("message", message)])
        let request = try ConnectRequest(get, method: "reel.video.v1.VideoService/GetVideo", maxBytes: limit)
        XCTAssertEqual(request.codec, .proto)
        XCTAssertEqual(request.message, [0x0A, 0x02, 0x68, 0x69])
        var greet = get
        greet.path = "/rpc/reel.hello.v1.HelloService/Greet"
        XCTAssertThrowsError(try ConnectRequest(greet, method: "reel.hello.v1.HelloService/Greet", maxBytes: limit)) {
            XCTAssertEqual(($0 as? APIError)?.effectiveHTTPStatus, 405)
        }
    }

    func testProtocolVersionAndContentType() {
        XCTAssertEqual(code { () throws(APIError) in
            _ = try ConnectRequest(post([], ["connect-protocol-version": "2"]), method: "x/y", maxBytes: limit)
        }, "invalid_argument")
        XCTAssertEqual(code { () throws(APIError) in
            _ = try ConnectRequest(post([], ["content-type": "text/plain"]), method: "x/y", maxBytes: limit)
        }, "invalid_argument")
    }

    func testErrorDetailsCarryTheRequestID() throws {
        let response = ConnectHandler.errorResponse(APIError(.notFound, "no such video"), requestId: "req-1")
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let details = try XCTUnwrap(body["details"] as? [[String: String]])
        XCTAssertEqual(details.first?["type"], "google.rpc.RequestInfo")
        var value = details.first?["value"] ?? ""
        XCTAssertFalse(value.hasSuffix("="))   // Connect sends it unpadded
        value += String(repeating: "=", count: (4 - value.count % 4) % 4)
        XCTAssertEqual(Data(base64Encoded: value), Data([0x0A, 0x05] + Array("req-1".utf8)))
    }
}
