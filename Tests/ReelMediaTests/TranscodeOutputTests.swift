import Foundation
@testable import ReelMedia
import XCTest

/// Audio-only sources, DASH manifests that FFmpeg decodes, tiny pictures and
/// the options that shape the output.
final class TranscodeOutputTests: XCTestCase {
    private func outputDirectory() -> String {
        let output = TranscodeFixtures.temporaryDirectory("output")
        addTeardownBlock {
            if ProcessInfo.processInfo.environment["REEL_KEEP_OUTPUT"] == nil { try? FileManager.default.removeItem(atPath: output) }
        }
        return output
    }

    func testAudioOnlySourceMakesOneAudioRendition() throws {
        let source = try TranscodeFixtures.path("audio-only.m4a")
        let ladder = try LadderTranscoder.ladder(for: source)
        XCTAssertEqual(ladder, .audioOnly())
        XCTAssertTrue(ladder.isAudioOnly)
        let output = outputDirectory()
        let progress = ProgressLog()
        let result = try LadderTranscoder(preset: "ultrafast").transcode(source: source, outputDirectory: output,
                                                                       progress: { progress.append($0) })
        XCTAssertEqual(progress.values.last, 1)
        XCTAssertGreaterThan(progress.values.count, 10, "progress from the audio packets")
        XCTAssertFalse(result.hasVideo)
        XCTAssertTrue(result.hasAudio)
        XCTAssertNil(result.posterPath)
        XCTAssertEqual(result.thumbnailPaths, [])
        XCTAssertEqual(result.renditions.map(\.rung.name), ["audio"])
        XCTAssertEqual(result.renditions.first?.playlistPath, output + "/audio/index.m3u8")
        XCTAssertEqual(result.renditions.first?.codecs, "mp4a.40.2")
        XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/audio/init.mp4"))

        let master = try String(contentsOfFile: result.masterPlaylistPath, encoding: .utf8)
        XCTAssertTrue(master.contains(#"CODECS="mp4a.40.2""#), master)
        XCTAssertFalse(master.contains("RESOLUTION"), master)
        XCTAssertFalse(master.contains("FRAME-RATE"), master)
        XCTAssertTrue(master.contains("\naudio/index.m3u8\n"), master)
        XCTAssertFalse(master.contains("#EXT-X-MEDIA") || master.contains("AUDIO="), "the audio is the one variant: \(master)")
        XCTAssertEqual(result.audioPlaylistPath, output + "/audio/index.m3u8")

        let json = try TranscodeFixtures.probe(output + "/audio/index.m3u8",
                                               ["-show_entries", "stream=codec_type,codec_name,profile"])
        let streams = json["streams"] as? [[String: Any]] ?? []
        XCTAssertEqual(streams.count, 1)
        XCTAssertEqual(streams.first?["codec_name"] as? String, "aac")
        XCTAssertEqual(streams.first?["profile"] as? String, "LC")
        XCTAssertEqual(result.durationSeconds, 6, accuracy: 0.1)
        let played = TranscodeFixtures.run("ffmpeg", ["-nostdin", "-v", "error", "-i", result.masterPlaylistPath,
                                                      "-map", "0", "-f", "null", "-"])
        XCTAssertEqual(played.status, 0, played.stderr)
        XCTAssertEqual(played.stderr, "")
        let mpd = try String(contentsOfFile: result.dashManifestPath, encoding: .utf8)
        XCTAssertTrue(mpd.contains(#"contentType="audio""#), mpd)
        XCTAssertTrue(mpd.contains(#"<Representation id="audio""#), mpd)
        try TranscodeChecks.assertDashManifest(result.dashManifestPath, seconds: result.durationSeconds,
                                               videoStreams: 0, audioStreams: 1, decode: true)
    }

    func testVideoOnlyDashManifestDecodes() throws {
        let output = outputDirectory()
        let result = try LadderTranscoder(preset: "ultrafast").transcode(
            source: TranscodeFixtures.path("video-only-320x240.mp4"), outputDirectory: output)
        XCTAssertFalse(result.hasAudio)
        let mpd = try String(contentsOfFile: result.dashManifestPath, encoding: .utf8)
        XCTAssertTrue(mpd.contains(#"width="320" height="240" sar="1:1" frameRate="25""#), mpd)
        // 6 s in 4 s segments: 4 s, then 2 s.
        XCTAssertTrue(mpd.contains(#"<S t="0" d="4000"/>"#) && mpd.contains(#"<S d="2000"/>"#), mpd)
        try TranscodeChecks.assertDashManifest(result.dashManifestPath, seconds: 6, videoStreams: 1, audioStreams: 0,
                                               decode: true)
    }

    func testOnePixelVideoTranscodes() throws {
        let output = outputDirectory()
        let result = try LadderTranscoder(preset: "ultrafast").transcode(source: Fixtures.get().path("one-pixel.mp4"),
                                                                       outputDirectory: output)
        XCTAssertEqual(result.renditions.map { "\($0.rung.name) \($0.rung.width)x\($0.rung.height)" }, ["2p 2x2"])
        XCTAssertEqual(result.durationSeconds, 1, accuracy: 0.1)
        let played = TranscodeFixtures.run("ffmpeg", ["-nostdin", "-v", "error", "-i", result.masterPlaylistPath,
                                                      "-map", "0", "-f", "null", "-"])
        XCTAssertEqual(played.status, 0, played.stderr)
        XCTAssertEqual(try result.posterPath.map(TranscodeChecks.pictureSize), "2x2")
    }

    func testOptionsShapeSegmentsThumbnailsAndThreads() throws {
        let output = outputDirectory()
        let options = TranscodeOptions(preset: "ultrafast", threads: 2, segmentSeconds: 2, thumbnailCount: 3)
        let result = try LadderTranscoder(options: options).transcode(
            source: TranscodeFixtures.path("landscape-640x360.mp4"), outputDirectory: output)
        let segments = try TranscodeFixtures.segments(ofPlaylist: result.renditions[0].playlistPath)
        XCTAssertEqual(segments.map(\.duration), [2, 2, 2])
        XCTAssertEqual(result.thumbnailPaths.count, 3)
        XCTAssertEqual(try TranscodeChecks.pictureSize(result.thumbnailPaths[2]), "320x180")
        XCTAssertTrue(result.thumbnailPaths[2].hasSuffix("/thumbs/thumb-03.jpg"))
    }

    func testShortFirstSegmentKeepsTheRungsAligned() throws {
        let output = outputDirectory()
        let options = TranscodeOptions(preset: "ultrafast", threads: 2, segmentSeconds: 4, thumbnailCount: 0,
                                       firstSegmentSeconds: 1)
        let result = try LadderTranscoder(options: options).transcode(
            source: TranscodeFixtures.path("landscape-720.mp4"), outputDirectory: output)
        XCTAssertEqual(result.renditions.count, 3)
        for rendition in result.renditions {  // 6 s: 1 s, then the 4 s grid (1-4, 4-6)
            let segments = try TranscodeFixtures.segments(ofPlaylist: rendition.playlistPath)
            XCTAssertEqual(segments.map(\.duration), [1, 3, 2], rendition.rung.name)
        }
        let audio = try TranscodeFixtures.segments(ofPlaylist: try XCTUnwrap(result.audioPlaylistPath))
        XCTAssertEqual(audio.first.map { ($0.duration * 10).rounded() / 10 }, 1)
        TranscodeChecks.assertDecodesCleanly(result.masterPlaylistPath)
    }

    func testSegmentGrid() {
        let grid = SegmentGrid(segmentSeconds: 4, firstSeconds: 2)
        XCTAssertEqual([0.0, 2, 4, 8].map(grid.next(after:)), [2, 4, 8, 12])
        XCTAssertEqual(grid.muxerSeconds, 2)
        XCTAssertTrue(grid.cutsOnlyOnGrid)
        // A first segment longer than half a segment would stop the muxer's next cut: none.
        for first in [0.0, -1, 3] {
            let plain = SegmentGrid(segmentSeconds: 4, firstSeconds: first)
            XCTAssertNil(plain.firstSeconds)
            XCTAssertEqual([0.0, 4, 8].map(plain.next(after:)), [4, 8, 12])
            XCTAssertEqual(plain.muxerSeconds, 4)
        }
    }

    func testDashTimelineMergesEqualSegments() {
        XCTAssertEqual(DashManifest.timeline([4, 4, 4, 2.5]), [#"<S t="0" d="4000" r="2"/>"#, #"<S d="2500"/>"#])
    }

    func testThreadBudgetSplitsByArea() {
        let areas = [1920 * 1080, 1280 * 720, 854 * 480, 640 * 360]
        func split(_ total: Int) -> String {
            let budget = ThreadBudget(total: total, rungAreas: areas)
            let workers = budget.workers.map { $0.map(String.init).joined(separator: "+") }.joined(separator: " ")
            return "decoder \(budget.decoder), x264 \(budget.rungs.map(String.init).joined(separator: ",")), threads \(workers)"
        }
        XCTAssertEqual(split(0), "decoder 0, x264 0,0,0,0, threads 0 1 2 3")
        XCTAssertEqual(split(1), "decoder 1, x264 1,1,1,1, threads 0+1+2+3")
        XCTAssertEqual(split(2), "decoder 1, x264 2,1,1,1, threads 0 1 2 3")
        XCTAssertEqual(split(3), "decoder 1, x264 2,1,1,1, threads 0 1 2 3")
        XCTAssertEqual(split(4), "decoder 1, x264 3,2,1,1, threads 0 1 2 3")
        XCTAssertEqual(split(8), "decoder 1, x264 5,3,1,1, threads 0 1 2 3")
        XCTAssertEqual(split(24), "decoder 3, x264 14,7,3,2, threads 0 1 2 3")
        XCTAssertEqual(ThreadBudget(total: 6, rungAreas: [640 * 360]).rungs, [6])
        // Two equal halves of a 2-core budget: one each, not rounded up to two.
        XCTAssertEqual(ThreadBudget(total: 2, rungAreas: [100, 100]).rungs, [1, 1])
        // An audio-only source has no rungs (this used to loop forever).
        XCTAssertEqual(ThreadBudget(total: 2, rungAreas: []).workers, [])
        // Every rung gets at least one libx264 thread and a thread of its own;
        // rounding up adds at most one thread per rung to the total.
        for total in 2...64 {
            let budget = ThreadBudget(total: total, rungAreas: areas)
            XCTAssertTrue(budget.rungs.allSatisfy { $0 >= 1 }, "\(budget)")
            XCTAssertEqual(budget.workers, [[0], [1], [2], [3]])
            let busy = budget.rungs.reduce(0, +)
            XCTAssertGreaterThanOrEqual(busy, total, "\(budget)")
            XCTAssertLessThanOrEqual(busy, total + areas.count, "\(budget)")
        }
    }

    func testOnlySourceProblemsArePermanent() {
        XCTAssertTrue(TranscodeError.unreadableSource("x").isPermanent)
        XCTAssertTrue(TranscodeError.noVideoStream.isPermanent)
        XCTAssertTrue(TranscodeError.decoderFailed("x").isPermanent)
        XCTAssertFalse(TranscodeError.encoderFailed("x").isPermanent)
        XCTAssertFalse(TranscodeError.outputFailed("x").isPermanent)
        XCTAssertFalse(TranscodeError.cancelled.isPermanent)
    }
}
