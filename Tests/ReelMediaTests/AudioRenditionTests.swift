import Foundation
@testable import ReelMedia
import XCTest

/// True CMAF: video rungs carry video only, the audio is one rendition of
/// its own (`audio/`) that the master playlist groups with every rung and
/// the MPD puts in an AdaptationSet of its own.
final class AudioRenditionTests: XCTestCase {
    private func outputDirectory() -> String {
        let output = TranscodeFixtures.temporaryDirectory("audio-rendition")
        addTeardownBlock {
            if ProcessInfo.processInfo.environment["REEL_KEEP_OUTPUT"] == nil { try? FileManager.default.removeItem(atPath: output) }
        }
        return output
    }

    /// A source with audio tagged Portuguese, in two small rungs.
    func testTwoRungsShareOneAudioRendition() throws {
        let output = outputDirectory()
        let source = output + "-source.mp4"
        defer { try? FileManager.default.removeItem(atPath: source) }
        let tagged = TranscodeFixtures.run("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", try TranscodeFixtures.path("portrait-360x640.mp4"),
                                                      "-c", "copy", "-metadata:s:a:0", "language=por", source])
        XCTAssertEqual(tagged.status, 0, tagged.stderr)
        let ladder = TranscodeLadder(rungs: [TranscodeRung(name: "360p", width: 360, height: 640, videoBitRate: 600_000),
                                             TranscodeRung(name: "180p", width: 180, height: 320, videoBitRate: 200_000)],
                                     audioBitRate: 96_000)
        let result = try LadderTranscoder(preset: "ultrafast").transcode(source: source, outputDirectory: output, ladder: ladder)

        // Both manifests decode without a single complaint, every stream.
        TranscodeChecks.assertDecodesCleanly(result.masterPlaylistPath)
        TranscodeChecks.assertDecodesCleanly(result.dashManifestPath)

        // The result: the video rungs, and the audio rendition beside them.
        XCTAssertEqual(result.renditions.map(\.rung.name), ["360p", "180p"])
        XCTAssertEqual(result.audioPlaylistPath, output + "/audio/index.m3u8")
        XCTAssertTrue(result.hasVideo && result.hasAudio)
        let audioPlaylist = try XCTUnwrap(result.audioPlaylistPath)

        // Each rendition is one track: h264 in the rungs, AAC in audio/.
        XCTAssertEqual(try TranscodeChecks.codecNames(result.masterPlaylistPath), ["aac", "h264", "h264"])
        for rendition in result.renditions {
            XCTAssertEqual(try TranscodeChecks.codecNames(rendition.playlistPath), ["h264"], rendition.rung.name)
        }
        XCTAssertEqual(try TranscodeChecks.codecNames(audioPlaylist), ["aac"])
        let audioPlaylistText = try String(contentsOfFile: audioPlaylist, encoding: .utf8)
        XCTAssertTrue(audioPlaylistText.contains("#EXT-X-PLAYLIST-TYPE:EVENT"), audioPlaylistText)
        XCTAssertTrue(audioPlaylistText.hasSuffix("#EXT-X-ENDLIST\n"), audioPlaylistText)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/audio/init.mp4"))

        // The same segment grid in every rung; the audio as long, give or take a segment.
        let lists = try result.renditions.map { try TranscodeFixtures.segments(ofPlaylist: $0.playlistPath).map(\.duration) }
        XCTAssertEqual(lists[0], lists[1])
        XCTAssertEqual(lists[0], [4, 2])
        let audioSegments = try TranscodeFixtures.segments(ofPlaylist: audioPlaylist)
        XCTAssertTrue(audioSegments.allSatisfy { $0.file.hasPrefix("seg-") && $0.file.hasSuffix(".m4s") })
        let videoSeconds = lists[0].reduce(0, +), audioSeconds = audioSegments.reduce(0) { $0 + $1.duration }
        XCTAssertEqual(audioSeconds, videoSeconds, accuracy: 4)
        XCTAssertEqual(result.durationSeconds, max(videoSeconds, audioSeconds), accuracy: 0.001)

        // The master: the audio group, named by every variant, whose codecs
        // and bandwidth count the audio.
        let master = try String(contentsOfFile: result.masterPlaylistPath, encoding: .utf8)
        XCTAssertTrue(master.contains(#"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Audio",LANGUAGE="por","#
            + #"DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8""# + "\n"), master)
        XCTAssertTrue(master.contains("#EXT-X-INDEPENDENT-SEGMENTS\n"), master)
        let variants = TranscodeChecks.streamInfLines(master)
        XCTAssertEqual(variants.count, 2)
        XCTAssertTrue(variants.allSatisfy { $0.hasSuffix(#",AUDIO="aac""#) }, master)
        let audioBandwidth = try XCTUnwrap(MasterPlaylist.measure(playlist: audioPlaylist, directory: output + "/audio"))
        for (rendition, line) in zip(result.renditions, variants) {
            XCTAssertTrue(rendition.codecs.hasPrefix("avc1.") && rendition.codecs.hasSuffix(",mp4a.40.2"), rendition.codecs)
            let directory = output + "/" + rendition.rung.name
            let video = try XCTUnwrap(MasterPlaylist.measure(playlist: rendition.playlistPath, directory: directory))
            XCTAssertEqual(rendition.bandwidth, video.peak + audioBandwidth.peak)
            XCTAssertEqual(rendition.averageBandwidth, video.average + audioBandwidth.average)
            let size = "\(rendition.rung.width)x\(rendition.rung.height)"
            XCTAssertEqual(line, "#EXT-X-STREAM-INF:BANDWIDTH=\(rendition.bandwidth),AVERAGE-BANDWIDTH=\(rendition.averageBandwidth),"
                + "RESOLUTION=\(size),CODECS=\"\(rendition.codecs)\",FRAME-RATE=25.000,AUDIO=\"aac\"")
        }

        // DASH: a video AdaptationSet (video-only codecs) and an audio one.
        let mpd = try String(contentsOfFile: result.dashManifestPath, encoding: .utf8)
        XCTAssertTrue(mpd.contains(#"<AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true""#), mpd)
        XCTAssertTrue(mpd.contains(#"<AdaptationSet id="1" contentType="audio" lang="por" mimeType="audio/mp4""#), mpd)
        XCTAssertTrue(mpd.contains(#"<Representation id="audio" bandwidth="\#(audioBandwidth.peak)" codecs="mp4a.40.2""#), mpd)
        XCTAssertEqual(mpd.components(separatedBy: "<Representation ").count - 1, 3, mpd)
        XCTAssertFalse(mpd.contains(",mp4a"), "no multiplexed codecs: \(mpd)")
        try TranscodeChecks.assertDashManifest(result.dashManifestPath, seconds: result.durationSeconds, videoStreams: 2,
                                               audioStreams: 1, decode: false)
    }

    func testMasterPlaylistNamesTheAudioGroup() {
        let entries = [MasterPlaylist.Entry(name: "720p", resolution: (1280, 720), codecs: "avc1.64001f,mp4a.40.2",
                                            frameRate: 25, peak: 3_000_000, average: 2_500_000, audioGroup: "aac")]
        let audio = MasterPlaylist.AudioRendition(groupID: "aac", name: "Audio", language: nil, channels: 2, directory: "audio")
        XCTAssertEqual(MasterPlaylist.text(entries, audio: audio), """
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-INDEPENDENT-SEGMENTS
            \(TranscodeChecks.audioMediaLine)
            #EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,\
            CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=25.000,AUDIO="aac"
            720p/index.m3u8

            """)
    }

    func testPublishedBandwidthsAddTheAudio() {
        let published = PublishedRenditions(
            directory: "/out", videos: [.init(rung: TranscodeRung(name: "360p", width: 640, height: 360, videoBitRate: 800_000),
                                              codecs: "avc1.64001e")],
            audio: .init(bitRate: 128_000, sampleRate: 48_000, channels: 2, language: nil), frameRate: nil)
        let master = published.masterPlaylist(published.nominal)
        XCTAssertEqual(master.entries.map(\.peak), [1_020_800], "1.1 × (800 + 128) kb/s")
        XCTAssertEqual(master.entries.map(\.codecs), ["avc1.64001e,mp4a.40.2"])
        XCTAssertEqual(master.audio?.directory, "audio")
        XCTAssertEqual(published.names, ["360p", "audio"])
        let measured = PublishedRenditions.Measured(
            bandwidths: ["360p": .init(peak: 900_000, average: 700_000), "audio": .init(peak: 130_000, average: 125_000)],
            segmentDurations: ["360p": [4, 2], "audio": [4.017, 2.006]], durationSeconds: 6.023)
        let renditions = published.resultRenditions(measured.bandwidths)
        XCTAssertEqual(renditions.map(\.bandwidth), [1_030_000])
        XCTAssertEqual(renditions.map(\.averageBandwidth), [825_000])
        XCTAssertEqual(renditions.map(\.playlistPath), ["/out/360p/index.m3u8"])
        let dash = published.dashManifest(measured, minBufferSeconds: 4)
        XCTAssertEqual(dash.representations.map(\.id), ["360p", "audio"])
        XCTAssertEqual(dash.representations.map(\.codecs), ["avc1.64001e", "mp4a.40.2"])
        XCTAssertEqual(dash.representations.map(\.bandwidth), [900_000, 130_000], "each Representation its own")
    }

    func testLanguageTagsAreCheckedBeforeTheyReachAManifest() {
        XCTAssertEqual(SourceInput.languageTag("eng"), "eng")
        XCTAssertEqual(SourceInput.languageTag("pt-BR"), "pt-BR")
        XCTAssertEqual(SourceInput.languageTag("zh-Hant-TW"), "zh-Hant-TW")
        for bad in ["", "und", "UND", "e", "engl", "en-", "en\"", "en\n", "\"><x", "é", "en-toolongsubtag", "en-a-b-c-d"] {
            XCTAssertNil(SourceInput.languageTag(bad), bad)
        }
    }

    func testARungCannotTakeTheAudioRenditionsName() throws {
        let output = outputDirectory()
        let ladder = TranscodeLadder(rungs: [TranscodeRung(name: "audio", width: 360, height: 640, videoBitRate: 600_000)],
                                     audioBitRate: 96_000)
        XCTAssertThrowsError(try LadderTranscoder(preset: "ultrafast").transcode(
            source: TranscodeFixtures.path("portrait-360x640.mp4"), outputDirectory: output, ladder: ladder)) { error in
            guard case .encoderFailed(let reason)? = error as? TranscodeError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("audio rendition"), reason)
        }
    }
}
