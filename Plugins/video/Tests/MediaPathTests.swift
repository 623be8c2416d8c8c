import XCTest
@testable import VideoCore

/// Which paths the media routes serve (MediaFile) and with what type.
final class MediaPathTests: XCTestCase {
    let id = "0b7e6c1e-4a57-4f0e-9f3e-2f1d7c1a9b00"

    private func kind(_ path: String, id: String? = nil) -> MediaFile.Kind? {
        MediaFile(videoId: id ?? self.id, path: path)?.kind
    }

    func testStreamFilesAndTheirTypes() throws {
        XCTAssertEqual(kind("streams/a1-x7/master.m3u8"), .masterPlaylist)
        XCTAssertEqual(kind("streams/a1-x7/720p/index.m3u8"), .mediaPlaylist)
        XCTAssertEqual(kind("streams/a1-x7/manifest.mpd"), .dashManifest)
        XCTAssertEqual(kind("streams/a1-x7/720p/init.mp4"), .initSegment)
        XCTAssertEqual(kind("streams/a1-x7/720p/seg-00001.m4s"), .mediaSegment)
        XCTAssertEqual(kind("streams/a1-x7/poster.jpg"), .image)
        XCTAssertEqual(kind("streams/a1-x7/thumbs/thumb-03.jpg"), .image)
        let file = try XCTUnwrap(MediaFile(videoId: id, path: "streams/a1-x7/720p/seg-00001.m4s"))
        XCTAssertEqual(file.key, "videos/\(id)/streams/a1-x7/720p/seg-00001.m4s")
        XCTAssertEqual(MediaFile.Kind.masterPlaylist.contentType, "application/vnd.apple.mpegurl")
        XCTAssertEqual(MediaFile.Kind.mediaPlaylist.contentType, "application/vnd.apple.mpegurl")
        XCTAssertEqual(MediaFile.Kind.dashManifest.contentType, "application/dash+xml")
        XCTAssertEqual(MediaFile.Kind.mediaSegment.contentType, "video/iso.segment")
        XCTAssertEqual(MediaFile.Kind.initSegment.contentType, "video/mp4")
        XCTAssertEqual(MediaFile.Kind.image.contentType, "image/jpeg")
        XCTAssertEqual(kind("streams/a1-x7/720p/master.m3u8"), .mediaPlaylist, "only the top one is the master")
    }

    func testNothingOutsideTheStreamsIsServed() {
        for path in ["source/clip.mp4", "streams/master.m3u8", "streams", "streams/a1", "other/a1/x.m4s",
                     "streams/a1/720p/seg.ts", "streams/a1/720p/index", "streams/a1/.hidden.m4s", "streams/a1/.m4s",
                     "streams/a1/x/y/z/deep.m4s", "streams/a1/720p/seg 1.m4s", "streams/a1/720p/seg\\1.m4s",
                     "streams/a1//seg.m4s", "streams/a1/720p/", "streams/a1/%2e%2e/x.m4s", "streams/a1/x.M4S"] {
            XCTAssertNil(MediaFile(videoId: id, path: path), path)
        }
        XCTAssertNil(MediaFile(videoId: id.uppercased(), path: "streams/a1/master.m3u8"), "ids are canonical")
        XCTAssertNil(MediaFile(videoId: "not-a-uuid", path: "streams/a1/master.m3u8"))
        XCTAssertNil(MediaFile(videoId: "../\(id)", path: "streams/a1/master.m3u8"))
        XCTAssertNil(MediaFile(videoId: String(id.dropLast()) + "g", path: "streams/a1/master.m3u8"))
        XCTAssertNil(MediaFile(videoId: id.replacingOccurrences(of: "-", with: "x"), path: "streams/a1/master.m3u8"))
        XCTAssertTrue(UUIDs.isCanonical(UUIDs.make()))
    }

    func testCachePolicy() {
        func header(_ kind: MediaFile.Kind, growing: Bool = false, _ grant: MediaCachePolicy.Grant = .open) -> String {
            MediaCachePolicy.header(kind: kind, growing: growing, grant: grant, now: 1000)
        }
        XCTAssertEqual(header(.mediaSegment), "public, max-age=31536000, immutable")
        XCTAssertEqual(header(.initSegment), "public, max-age=31536000, immutable")
        XCTAssertEqual(header(.image), "public, max-age=31536000, immutable")
        XCTAssertEqual(header(.mediaPlaylist, growing: true), "public, no-cache")
        XCTAssertEqual(header(.mediaPlaylist), "public, max-age=60")
        XCTAssertEqual(header(.dashManifest), "public, max-age=60")
        XCTAssertEqual(header(.masterPlaylist), "public, no-cache")
        XCTAssertEqual(header(.mediaSegment, .signed(until: 1500)), "private, max-age=500, immutable")
        XCTAssertEqual(header(.mediaPlaylist, .signed(until: 1030)), "private, max-age=30")
        XCTAssertEqual(header(.mediaSegment, .signed(until: 1000)), "private, no-cache")
    }

    func testPlaylistEndDetection() {
        XCTAssertTrue(MediaDelivery.endsList(Array("#EXTM3U\n#EXTINF:4.0,\nseg-00001.m4s\n#EXT-X-ENDLIST\n".utf8)))
        XCTAssertFalse(MediaDelivery.endsList(Array("#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:4.0,\nseg-00001.m4s\n".utf8)))
        XCTAssertFalse(MediaDelivery.endsList(Array("".utf8)))
        XCTAssertTrue(MediaDelivery.endsList(Array("#EXT-X-ENDLIST".utf8)), "the marker alone, at the very end")
        XCTAssertFalse(MediaDelivery.endsList(Array("#EXT-X-ENDLIS".utf8)))
        // Only the last 64 bytes count.
        let early = "#EXTM3U\n#EXT-X-ENDLIST\n" + String(repeating: "#EXTINF:4.0,\nseg.m4s\n", count: 4)
        XCTAssertFalse(MediaDelivery.endsList(Array(early.utf8)))
        XCTAssertTrue(MediaDelivery.endsList(Array(early.utf8)[0..<22]), "a slice is read in place")
        XCTAssertTrue(MediaDelivery.endsList(["#", "E"].map { UInt8(ascii: $0) } + Array("XT-X-ENDLIST\n".utf8)))
    }

    func testPlaylistEndDetectionFromTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("endlist-\(UUIDs.make())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func check(_ text: String) throws -> Bool {
            let url = folder.appendingPathComponent("index.m3u8")
            try Data(text.utf8).write(to: url)
            let fd = open(url.path, O_RDONLY)
            XCTAssertGreaterThanOrEqual(fd, 0)
            defer { close(fd) }
            return MediaDelivery.endsList(fd, size: Int64(text.utf8.count))
        }
        let body = String(repeating: "#EXTINF:4.0,\nseg-00001.m4s\n", count: 20)
        XCTAssertTrue(try check("#EXTM3U\n" + body + "#EXT-X-ENDLIST\n"))
        XCTAssertFalse(try check("#EXTM3U\n" + body))
        XCTAssertTrue(try check("#EXT-X-ENDLIST\n"), "a file shorter than the 64 bytes read")
        XCTAssertFalse(try check("#EXT-X-ENDLIST\n" + body), "an early marker is not the end")
    }

    func testCanonicalIds() {
        let id = "3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b"
        XCTAssertEqual(UUIDs.canonical(id), id)
        XCTAssertEqual(UUIDs.canonical(id.uppercased()), id, "upper-case ids are made canonical")
        XCTAssertNil(UUIDs.canonical("{\(id)}"))
        XCTAssertNil(UUIDs.canonical(String(id.dropLast())))
        XCTAssertNil(UUIDs.canonical(String(id.dropLast()) + "g"))
        XCTAssertNil(UUIDs.canonical(id.replacingOccurrences(of: "-", with: "")))
        XCTAssertNil(UUIDs.canonical(""))
    }
}
