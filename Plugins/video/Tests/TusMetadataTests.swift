import Foundation
import XCTest
@testable import VideoCore

final class TusMetadataTests: XCTestCase {
    func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    func testParsesPairsAndBareKeys() throws {
        let parsed = try TusMetadata.parse("filename \(b64("clip.mp4")),title \(b64("Été à Paris")),is_confidential")
        XCTAssertEqual(try TusMetadata.text(parsed, "filename"), "clip.mp4")
        XCTAssertEqual(try TusMetadata.text(parsed, "title"), "Été à Paris")
        XCTAssertEqual(parsed["is_confidential"], Data())
        XCTAssertEqual(try TusMetadata.parse(""), [:])
        XCTAssertEqual(try TusMetadata.text(try TusMetadata.parse("filename YQ"), "filename"), "a") // padding optional
    }

    func testRefusesMalformedMetadata() {
        for header in ["filename !!!notbase64", "filename a b", "filename YQ==,filename YQ==", ",", "filename YQ==,,title YQ=="] {
            XCTAssertThrowsError(try TusMetadata.parse(header), header)
        }
        XCTAssertThrowsError(try TusMetadata.text(["title": Data([0xff, 0xfe])], "title"))
        XCTAssertThrowsError(try TusMetadata.text(["title": Data([0x61, 0x00])], "title"))
    }

    func testFilenameTitleAndStorageName() {
        XCTAssertEqual(TusMetadata.filename("C:\\Users\\me\\My Clip.MP4"), "My Clip.MP4")
        XCTAssertEqual(TusMetadata.filename(nil), "upload")
        XCTAssertEqual(TusMetadata.title(fromFilename: "My Clip.MP4"), "My Clip")
        XCTAssertEqual(TusMetadata.title(fromFilename: ".hidden"), ".hidden")
        XCTAssertEqual(TusMetadata.title(fromFilename: " .mp4"), "Untitled")
        XCTAssertEqual(TusMetadata.storageName("My Clip (1).mp4"), "My_Clip__1_.mp4")
        XCTAssertEqual(TusMetadata.storageName("..evil"), "evil")
        XCTAssertEqual(TusMetadata.storageName("日本.mov"), "__.mov")
        XCTAssertEqual(TusMetadata.storageName("..."), "source")
        let long = TusMetadata.storageName(String(repeating: "a", count: 300) + ".webm")
        XCTAssertEqual(long.count, 100)
        XCTAssertTrue(long.hasSuffix(".webm"))
    }

    func testTusIntegers() {
        XCTAssertEqual(Tus.integer("0"), 0)
        XCTAssertEqual(Tus.integer(" 1024 "), 1024)
        for bad in [nil, "", "-1", "1e3", "0x10", "99999999999999999999", "12 34"] {
            XCTAssertNil(Tus.integer(bad), String(describing: bad))
        }
    }

    func testHTTPDate() {
        XCTAssertEqual(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)), "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
