import Foundation
import ReelStorage
import XCTest
@testable import TranscoderCore

/// Progressive publishing into real local-disk storage: nothing before every
/// rendition has a segment, listed files only, playlists after their media.
final class StreamPublisherTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "reel-publisher-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/out/720p", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/out/360p", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/store", withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func write(_ relative: String, _ text: String) {
        FileManager.default.createFile(atPath: folder + "/out/" + relative, contents: Data(text.utf8))
    }

    private func playlist(_ segments: Int, ended: Bool = false) -> String {
        var text = "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MAP:URI=\"init.mp4\"\n"
        for index in 0..<segments { text += "#EXTINF:4.0,\nseg-\(String(format: "%05d", index)).m4s\n" }
        return ended ? text + "#EXT-X-ENDLIST\n" : text
    }

    func testPublishesRenditionsAsTheirSegmentsAppear() async throws {
        let storage = try LocalDiskStorage(root: URL(fileURLWithPath: folder + "/store"))
        let publisher = StreamPublisher(storage: storage, directory: folder + "/out", prefix: "videos/v/streams/a1/")
        let published = { (key: String) async throws -> Bool in try await storage.size(key: "videos/v/streams/a1/" + key) != nil }

        let noMasterYet = try await publisher.publishProgress()
        XCTAssertFalse(noMasterYet)
        write("master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=3000000\n720p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900000\n360p/index.m3u8\n")
        for rung in ["720p", "360p"] {
            write(rung + "/init.mp4", "init")
            write(rung + "/seg-00000.m4s", "segment 0")
            write(rung + "/seg-00001.m4s", "being written, not listed yet")
        }
        write("720p/index.m3u8", playlist(1))
        let oneRungStarted = try await publisher.publishProgress()
        XCTAssertFalse(oneRungStarted, "360p has no playlist yet")
        let started720 = try await published("720p/seg-00000.m4s")
        let master = try await published("master.m3u8")
        let unlisted = try await published("720p/seg-00001.m4s")
        XCTAssertTrue(started720)
        XCTAssertFalse(master, "no master before every rendition can play")
        XCTAssertFalse(unlisted, "a segment the playlist does not list may still be written")

        write("360p/index.m3u8", playlist(1))
        let live = try await publisher.publishProgress()
        XCTAssertTrue(live)
        let liveAgain = try await publisher.publishProgress()
        XCTAssertFalse(liveAgain, "live is announced once")
        let stored = try await storage.get(key: "videos/v/streams/a1/360p/index.m3u8")
        XCTAssertEqual(String(decoding: stored, as: UTF8.self), playlist(1))

        write("720p/index.m3u8", playlist(2, ended: true))
        write("360p/index.m3u8", playlist(2, ended: true))
        write("poster.jpg", "jpeg")
        write("manifest.mpd", "<MPD/>")
        try await publisher.publishFinal()
        for key in ["720p/seg-00001.m4s", "360p/seg-00001.m4s", "poster.jpg", "manifest.mpd", "360p/init.mp4"] {
            let present = try await published(key)
            XCTAssertTrue(present, key)
        }
        let final = try await storage.get(key: "videos/v/streams/a1/720p/index.m3u8")
        XCTAssertTrue(String(decoding: final, as: UTF8.self).hasSuffix("#EXT-X-ENDLIST\n"))
    }

    func testFinalPublishRefusesAnIncompleteOutput() async throws {
        let storage = try LocalDiskStorage(root: URL(fileURLWithPath: folder + "/store"))
        let publisher = StreamPublisher(storage: storage, directory: folder + "/out", prefix: "videos/v/streams/a1/")
        write("master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n")
        write("720p/index.m3u8", playlist(1))  // lists a segment that is not there
        do {
            try await publisher.publishFinal()
            XCTFail("published a playlist naming a missing segment")
        } catch {
            XCTAssertTrue("\(error)".contains("720p/init.mp4") || "\(error)".contains("seg-00000"), "\(error)")
        }
        let master = try await storage.size(key: "videos/v/streams/a1/master.m3u8")
        XCTAssertNil(master)
    }
}
