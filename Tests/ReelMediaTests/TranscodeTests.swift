import Foundation
import ReelMedia
import XCTest

final class TranscodeLadderTests: XCTestCase {
    private func shape(_ ladder: TranscodeLadder) -> [String] {
        ladder.rungs.map { "\($0.name) \($0.width)x\($0.height)" }
    }

    func testLandscapeLaddersNeverUpscale() {
        XCTAssertEqual(shape(TranscodeLadder(sourceWidth: 1920, sourceHeight: 1080, hasAudio: true)),
                       ["1080p 1920x1080", "720p 1280x720", "480p 854x480", "360p 640x360"])
        XCTAssertEqual(shape(TranscodeLadder(sourceWidth: 1280, sourceHeight: 720, hasAudio: true)),
                       ["720p 1280x720", "480p 854x480", "360p 640x360"])
        XCTAssertEqual(TranscodeLadder(sourceWidth: 1280, sourceHeight: 720, hasAudio: true).audioBitRate, 128_000)
        XCTAssertNil(TranscodeLadder(sourceWidth: 1280, sourceHeight: 720, hasAudio: false).audioBitRate)
    }

    func testPortraitAndRotatedSourcesScaleByTheShortSide() {
        XCTAssertEqual(shape(TranscodeLadder(sourceWidth: 720, sourceHeight: 1280, hasAudio: false)),
                       ["720p 720x1280", "480p 480x854", "360p 360x640"])
        XCTAssertEqual(shape(TranscodeLadder(sourceWidth: 1280, sourceHeight: 720, rotation: 90, hasAudio: false)),
                       ["720p 720x1280", "480p 480x854", "360p 360x640"])
        XCTAssertEqual(shape(TranscodeLadder(sourceWidth: 360, sourceHeight: 640, hasAudio: false)), ["360p 360x640"])
    }

    func testSmallSourcesKeepTheirOwnEvenSize() {
        XCTAssertEqual(shape(TranscodeLadder(sourceWidth: 320, sourceHeight: 240, hasAudio: false)), ["240p 320x240"])
        XCTAssertEqual(shape(TranscodeLadder(sourceWidth: 321, sourceHeight: 241, hasAudio: false)), ["240p 320x240"])
        XCTAssertEqual(shape(TranscodeLadder(sourceWidth: 1, sourceHeight: 1, hasAudio: false)), ["2p 2x2"])
    }
}

final class TranscodeTests: XCTestCase {
    private let transcoder = LadderTranscoder(preset: "ultrafast")

    private func transcode(_ fixture: String, with transcoder: LadderTranscoder? = nil) throws -> (TranscodeResult, String) {
        let output = TranscodeFixtures.temporaryDirectory("out")
        addTeardownBlock { if ProcessInfo.processInfo.environment["REEL_KEEP_OUTPUT"] == nil { try? FileManager.default.removeItem(atPath: output) } }
        let fractions = ProgressLog()
        let result = try (transcoder ?? self.transcoder).transcode(source: TranscodeFixtures.path(fixture), outputDirectory: output,
                                              progress: { fractions.append($0) })
        XCTAssertEqual(fractions.values.last, 1)
        XCTAssertEqual(fractions.values, fractions.values.sorted(), "progress only grows")
        return (result, output)
    }

    /// ffmpeg decodes everything the master playlist points at, without a complaint.
    private func assertPlaysCleanly(_ output: String, file: StaticString = #filePath, line: UInt = #line) {
        let result = TranscodeFixtures.run("ffmpeg", ["-nostdin", "-v", "error", "-i", output + "/master.m3u8",
                                                      "-map", "0", "-f", "null", "-"])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr, "", file: file, line: line)
    }

    /// (width, height, codec types, duration) of one rung's playlist, by ffprobe.
    private func probeRung(_ playlist: String) throws -> (Int, Int, [String], Double) {
        let json = try TranscodeFixtures.probe(playlist, ["-show_entries", "stream=codec_type,width,height:format=duration"])
        let streams = json["streams"] as? [[String: Any]] ?? []
        let video = streams.first { $0["codec_type"] as? String == "video" } ?? [:]
        let duration = Double((json["format"] as? [String: Any])?["duration"] as? String ?? "") ?? 0
        return (video["width"] as? Int ?? 0, video["height"] as? Int ?? 0,
                streams.compactMap { $0["codec_type"] as? String }.sorted(), duration)
    }

    func testLandscape720pMakesAlignedThreeRungLadder() throws {
        // The default preset (veryfast) here; ultrafast everywhere else.
        let (result, output) = try transcode("landscape-720.mp4", with: LadderTranscoder())
        XCTAssertEqual(result.renditions.map(\.rung.name), ["720p", "480p", "360p"])
        XCTAssertEqual(result.renditions.map { "\($0.rung.width)x\($0.rung.height)" }, ["1280x720", "854x480", "640x360"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/1080p"))

        let master = try String(contentsOfFile: output + "/master.m3u8", encoding: .utf8)
        XCTAssertTrue(master.contains("RESOLUTION=1280x720"), master)
        // High profile, level 3.1 for 720p25 (from the SPS in x264's extradata).
        XCTAssertTrue(master.contains("RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\""), master)
        XCTAssertTrue(master.contains(",mp4a.40.2\""), master)
        XCTAssertEqual(master.components(separatedBy: "#EXT-X-STREAM-INF").count - 1, 3)
        // The rungs carry video only and play with the one audio rendition.
        XCTAssertTrue(master.contains(TranscodeChecks.audioMediaLine), master)
        XCTAssertEqual(TranscodeChecks.streamInfLines(master).filter { $0.hasSuffix(#",AUDIO="aac""#) }.count, 3, master)
        XCTAssertEqual(result.audioPlaylistPath, output + "/audio/index.m3u8")
        XCTAssertEqual(try TranscodeChecks.codecNames(output + "/master.m3u8"), ["aac", "h264", "h264", "h264"])

        var segmentLists: [[(duration: Double, file: String)]] = []
        for rendition in result.renditions {
            let (width, height, types, duration) = try probeRung(rendition.playlistPath)
            XCTAssertEqual("\(width)x\(height)", "\(rendition.rung.width)x\(rendition.rung.height)")
            XCTAssertEqual(types, ["video"])
            XCTAssertEqual(duration, 6, accuracy: 4, "within one segment of the source")
            let directory = (rendition.playlistPath as NSString).deletingLastPathComponent
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/init.mp4"))
            let segments = try TranscodeFixtures.segments(ofPlaylist: rendition.playlistPath)
            segmentLists.append(segments)
            XCTAssertTrue(segments.allSatisfy { $0.file.hasPrefix("seg-") && $0.file.hasSuffix(".m4s") })
            try assertSegmentsStartWithKeyframes(directory: directory, segments: segments.map(\.file))
        }
        XCTAssertGreaterThanOrEqual(segmentLists[0].count, 2)
        for list in segmentLists.dropFirst() {
            XCTAssertEqual(list.count, segmentLists[0].count, "same number of segments in every rung")
            for (a, b) in zip(list, segmentLists[0]) { XCTAssertEqual(a.duration, b.duration, accuracy: 0.05) }
        }
        assertPlaysCleanly(output)
        XCTAssertNotNil(result.posterPath)
        if let poster = result.posterPath {
            let json = try TranscodeFixtures.probe(poster, ["-show_entries", "stream=codec_name,width,height"])
            let stream = (json["streams"] as? [[String: Any]])?.first ?? [:]
            XCTAssertEqual(stream["codec_name"] as? String, "mjpeg")
            XCTAssertEqual(stream["width"] as? Int, 1280)
        }

        XCTAssertTrue(result.hasVideo)
        XCTAssertTrue(result.hasAudio)
        XCTAssertTrue(master.contains("#EXT-X-INDEPENDENT-SEGMENTS"), master)
        XCTAssertTrue(master.contains(",FRAME-RATE=25.000"), master)
        for rendition in result.renditions {
            let playlist = try String(contentsOfFile: rendition.playlistPath, encoding: .utf8)
            XCTAssertTrue(playlist.contains("#EXT-X-PLAYLIST-TYPE:EVENT"), playlist)
            XCTAssertTrue(playlist.hasSuffix("#EXT-X-ENDLIST\n"), playlist)
            XCTAssertGreaterThanOrEqual(rendition.bandwidth, rendition.averageBandwidth)
        }
        XCTAssertEqual(TranscodeChecks.leftovers(in: output), [], "no temporary files left")
        // DASH over the same segments: one Representation per rung, the same duration.
        XCTAssertEqual(result.dashManifestPath, output + "/manifest.mpd")
        let mpd = try String(contentsOfFile: result.dashManifestPath, encoding: .utf8)
        for name in ["720p", "480p", "360p"] {
            XCTAssertTrue(mpd.contains("<Representation id=\"\(name)\""), mpd)
        }
        XCTAssertTrue(mpd.contains(#"media="$RepresentationID$/seg-$Number%05d$.m4s" startNumber="0""#), mpd)
        XCTAssertTrue(mpd.contains(#"<Representation id="audio""#), mpd)
        let hlsSeconds = segmentLists[0].reduce(0) { $0 + $1.duration }
        let audioSeconds = try TranscodeFixtures.segments(ofPlaylist: output + "/audio/index.m3u8").reduce(0) { $0 + $1.duration }
        XCTAssertEqual(audioSeconds, hlsSeconds, accuracy: 4, "audio within one segment of the video")
        XCTAssertEqual(result.durationSeconds, max(hlsSeconds, audioSeconds), accuracy: 0.001)
        try TranscodeChecks.assertDashManifest(result.dashManifestPath, seconds: result.durationSeconds, videoStreams: 3,
                                               audioStreams: 1, decode: true)
        // Thumbnails: 4 by default, 320 pixels wide.
        XCTAssertEqual(result.thumbnailPaths.map { ($0 as NSString).lastPathComponent },
                       ["thumb-01.jpg", "thumb-02.jpg", "thumb-03.jpg", "thumb-04.jpg"])
        XCTAssertEqual(try TranscodeChecks.pictureSize(result.thumbnailPaths[0]), "320x180")
    }

    private func assertSegmentsStartWithKeyframes(directory: String, segments: [String]) throws {
        let initSegment = try Data(contentsOf: URL(fileURLWithPath: directory + "/init.mp4"))
        for segment in segments {
            let joined = TranscodeFixtures.temporaryDirectory("join") + "/joined.mp4"
            defer { try? FileManager.default.removeItem(atPath: (joined as NSString).deletingLastPathComponent) }
            try (initSegment + Data(contentsOf: URL(fileURLWithPath: directory + "/" + segment)))
                .write(to: URL(fileURLWithPath: joined))
            let result = TranscodeFixtures.run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries",
                                                           "packet=flags", "-of", "csv=p=0", joined])
            let first = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
            XCTAssertTrue(first.hasPrefix("K"), "\(directory)/\(segment) starts with \(first)")
        }
    }

    func testPortraitSourceKeepsItsAspectRatio() throws {
        let (result, output) = try transcode("portrait-360x640.mp4")
        XCTAssertEqual(result.renditions.map { "\($0.rung.name) \($0.rung.width)x\($0.rung.height)" }, ["360p 360x640"])
        let (width, height, types, _) = try probeRung(result.renditions[0].playlistPath)
        XCTAssertEqual("\(width)x\(height)", "360x640")
        XCTAssertEqual(types, ["video"])
        XCTAssertEqual(try TranscodeChecks.codecNames(try XCTUnwrap(result.audioPlaylistPath)), ["aac"])
        assertPlaysCleanly(output)
    }

    func testVideoOnlySourceHasNoAudioRendition() throws {
        let (result, output) = try transcode("video-only-320x240.mp4")
        XCTAssertEqual(result.renditions.map { "\($0.rung.name) \($0.rung.width)x\($0.rung.height)" }, ["240p 320x240"])
        XCTAssertFalse(result.renditions[0].codecs.contains("mp4a"))
        let (_, _, types, duration) = try probeRung(result.renditions[0].playlistPath)
        XCTAssertEqual(types, ["video"])
        XCTAssertEqual(duration, 6, accuracy: 4)
        XCTAssertNil(result.audioPlaylistPath)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/audio"))
        let master = try String(contentsOfFile: result.masterPlaylistPath, encoding: .utf8)
        XCTAssertFalse(master.contains("#EXT-X-MEDIA") || master.contains("AUDIO="), master)
        assertPlaysCleanly(output)
    }

    func testRotatedSourceIsTurnedUpright() throws {
        let (result, output) = try transcode("rotated-640x360.mp4")
        XCTAssertEqual(result.renditions.map { "\($0.rung.name) \($0.rung.width)x\($0.rung.height)" }, ["360p 360x640"])
        let (width, height, _, _) = try probeRung(result.renditions[0].playlistPath)
        XCTAssertEqual("\(width)x\(height)", "360x640", "pixels turned upright, no display matrix needed")
        XCTAssertEqual(try result.thumbnailPaths.map(TranscodeChecks.pictureSize), Array(repeating: "320x568", count: 4))
        if let poster = result.posterPath {
            let json = try TranscodeFixtures.probe(poster, ["-show_entries", "stream=width,height"])
            let stream = (json["streams"] as? [[String: Any]])?.first ?? [:]
            XCTAssertEqual(stream["width"] as? Int, 360)
            XCTAssertEqual(stream["height"] as? Int, 640)
        } else {
            XCTFail("no poster")
        }
        assertPlaysCleanly(output)
    }

    func testSourcesWithoutMediaAndMissingSourcesFailWithAReason() throws {
        let output = TranscodeFixtures.temporaryDirectory("fail")
        defer { try? FileManager.default.removeItem(atPath: output) }
        XCTAssertThrowsError(try transcoder.transcode(source: Fixtures.get().path("subtitles.mp4"),
                                                      outputDirectory: output)) { error in
            XCTAssertEqual(error as? TranscodeError, .noVideoStream)
            XCTAssertEqual((error as? TranscodeError)?.description, "the source has no audio or video stream")
            XCTAssertEqual((error as? TranscodeError)?.isPermanent, true)
        }
        XCTAssertThrowsError(try transcoder.transcode(source: output + "/missing.mp4", outputDirectory: output)) { error in
            guard case .unreadableSource(let reason)? = error as? TranscodeError else { return XCTFail("\(error)") }
            XCTAssertFalse(reason.isEmpty)
        }
        // The output "directory" is a file: fails after the audio encoder is open.
        let blocker = output + "/not-a-directory"
        XCTAssertTrue(FileManager.default.createFile(atPath: blocker, contents: Data()))
        XCTAssertThrowsError(try transcoder.transcode(source: TranscodeFixtures.path("portrait-360x640.mp4"),
                                                      outputDirectory: blocker)) { error in
            guard case .outputFailed? = error as? TranscodeError else { return XCTFail("\(error)") }
            XCTAssertEqual((error as? TranscodeError)?.isPermanent, false, "worth a retry")
        }
    }
}

