import XCTest
@testable import VideoCore

final class VideoValidationTests: XCTestCase {
    func testTitle() throws {
        XCTAssertEqual(try VideoValidation.title("  A title \n"), "A title")
        XCTAssertThrowsError(try VideoValidation.title("   "))
        XCTAssertThrowsError(try VideoValidation.title(String(repeating: "x", count: 201)))
        XCTAssertNoThrow(try VideoValidation.title(String(repeating: "é", count: 200)))
        XCTAssertThrowsError(try VideoValidation.title("bell\u{7}"))
    }

    func testDescription() throws {
        XCTAssertEqual(try VideoValidation.description("line one\nline two"), "line one\nline two")
        XCTAssertNoThrow(try VideoValidation.description(String(repeating: "d", count: 5000)))
        XCTAssertThrowsError(try VideoValidation.description(String(repeating: "d", count: 5001)))
        XCTAssertThrowsError(try VideoValidation.description("nul\u{0}"))
    }

    func testTagsAreNormalized() throws {
        XCTAssertEqual(try VideoValidation.tags([" Cats ", "cats", "DOGS"]), ["cats", "dogs"])
        XCTAssertThrowsError(try VideoValidation.tags([""]))
        XCTAssertThrowsError(try VideoValidation.tags([String(repeating: "t", count: 41)]))
        XCTAssertNoThrow(try VideoValidation.tags((1...20).map { "tag\($0)" }))
        XCTAssertThrowsError(try VideoValidation.tags((1...21).map { "tag\($0)" }))
        XCTAssertThrowsError(try VideoValidation.tags(["a,b"]))
    }

    func testVisibilityAndIDs() throws {
        XCTAssertEqual(try VideoValidation.visibility("Unlisted"), .unlisted)
        XCTAssertThrowsError(try VideoValidation.visibility("secret"))
        XCTAssertEqual(try VideoValidation.videoID("9F1C2D3E-0000-4000-8000-00000000000A"), "9f1c2d3e-0000-4000-8000-00000000000a")
        XCTAssertThrowsError(try VideoValidation.videoID("nope"))
    }

    func testCursorsRoundTripAndAreTiedToTheirOrder() throws {
        let cursor = CatalogCursor(order: .views, key: 42, id: "9f1c2d3e-0000-4000-8000-00000000000a")
        XCTAssertEqual(try CatalogCursor(decoding: cursor.encoded, order: .views), cursor)
        XCTAssertThrowsError(try CatalogCursor(decoding: cursor.encoded, order: .newest))
        for garbage in ["", "x", "!!!", Data("n:abc:9f1c2d3e-0000-4000-8000-00000000000a".utf8).base64URLEncoded,
                        Data("n:1:not-a-uuid".utf8).base64URLEncoded] {
            XCTAssertThrowsError(try CatalogCursor(decoding: garbage, order: .newest), garbage)
        }
    }

    func testConfig() throws {
        let config = try VideoConfig(["REEL_DATA_DIR": "/data", "REEL_MAX_UPLOAD_BYTES": "1000",
                                      "REEL_MEDIA_BASE_URL": "https://cdn.example.com/m"].get)
        XCTAssertEqual(config.uploadsDirectory, "/data/uploads")
        XCTAssertEqual(config.maxUploadBytes, 1000)
        XCTAssertEqual(config.uploadExpirySeconds, 86400)
        XCTAssertEqual(config.mediaURL("videos/x/hls/master.m3u8"), "https://cdn.example.com/m/videos/x/hls/master.m3u8")
        XCTAssertThrowsError(try VideoConfig(["REEL_UPLOAD_EXPIRY_SECONDS": "0"].get))
    }
}

private extension Dictionary where Key == String, Value == String {
    func get(_ key: String) -> String? { self[key] }
}
