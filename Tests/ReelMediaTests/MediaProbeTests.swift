import ReelMedia
import XCTest

/// Good files: every field the probe reports, checked against what the
/// fixture was made with.
final class MediaProbeTests: XCTestCase {
    private let mp4 = "mov,mp4,m4a,3gp,3g2,mj2"

    private func probe(_ name: String) async throws -> MediaInfo {
        try await MediaProbe.probe(path: Fixtures.get().path(name))
    }

    private func assertDuration(_ info: MediaInfo, _ expected: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(info.durationSeconds, expected, accuracy: 0.1, file: file, line: line)
    }

    func testH264AACMP4() async throws {
        for name in ["main.mp4", "faststart.mp4"] {
            let info = try await probe(name)
            XCTAssertEqual(info.formatName, mp4)
            assertDuration(info, 3)
            XCTAssertNotNil(info.bitRate)
            XCTAssertEqual(info.videoStreams.count, 1)
            XCTAssertEqual(info.audioStreams.count, 1)
            let video = try XCTUnwrap(info.videoStreams.first)
            XCTAssertEqual(video.index, 0)
            XCTAssertEqual(video.codecName, "h264")
            XCTAssertEqual(video.width, 320)
            XCTAssertEqual(video.height, 240)
            XCTAssertEqual(video.frameRate, MediaRational(25, 1))
            XCTAssertEqual(video.pixelFormat, "yuv420p")
            XCTAssertEqual(video.rotation, 0)
            XCTAssertFalse(video.isPortrait)
            XCTAssertEqual(video.durationSeconds ?? 0, 3, accuracy: 0.1)
            XCTAssertNotNil(video.bitRate)
            let audio = try XCTUnwrap(info.audioStreams.first)
            XCTAssertEqual(audio.index, 1)
            XCTAssertEqual(audio.codecName, "aac")
            XCTAssertEqual(audio.sampleRate, 48_000)
            XCTAssertEqual(audio.channels, 1)
            XCTAssertEqual(audio.channelLayout, "mono")
            XCTAssertEqual(audio.sampleFormat, "fltp")
            XCTAssertEqual(audio.durationSeconds ?? 0, 3, accuracy: 0.1)
            XCTAssertEqual(info.decodedStreamIndex, 0)
            XCTAssertTrue(info.isPlayableVideo)
            XCTAssertTrue(MediaPolicy.isAcceptable(info))
        }
    }

    func testPortraitPictures() async throws {
        let info = try await probe("portrait.mp4")
        let video = try XCTUnwrap(info.mainVideoStream)
        XCTAssertEqual([video.width, video.height, video.rotation], [240, 320, 0])
        XCTAssertTrue(video.isPortrait)
    }

    func testRotationMetadataMakesLandscapePicturesPortrait() async throws {
        let info = try await probe("rotated.mp4")
        let video = try XCTUnwrap(info.mainVideoStream)
        XCTAssertEqual([video.width, video.height], [320, 240])
        // A quarter turn; which way depends on the ffmpeg CLI that wrote it
        // (5.1 writes rotate=90 as a counter-clockwise matrix, and its own
        // autorotate turns it back that way). RotationTests pins the math.
        XCTAssertTrue([90, 270].contains(video.rotation), "rotation \(video.rotation)")
        XCTAssertEqual([video.displayWidth, video.displayHeight], [240, 320])
        XCTAssertTrue(video.isPortrait)
    }

    func testVideoOnlyMP4() async throws {
        let info = try await probe("video-only.mp4")
        XCTAssertEqual(info.videoStreams.map(\.codecName), ["h264"])
        XCTAssertEqual(info.audioStreams, [])
        assertDuration(info, 3)
        XCTAssertTrue(info.isPlayableVideo)
    }

    func testAudioOnlyM4AIsAcceptedAsAudio() async throws {
        let info = try await probe("audio-only.m4a")
        XCTAssertEqual(info.formatName, mp4)
        XCTAssertEqual(info.videoStreams, [])
        XCTAssertEqual(info.audioStreams.map(\.codecName), ["aac"])
        XCTAssertEqual(info.audioStreams.first?.sampleRate, 48_000)
        XCTAssertEqual(info.decodedStreamIndex, 0)
        assertDuration(info, 3)
        XCTAssertFalse(info.isPlayableVideo)
        XCTAssertTrue(MediaPolicy.acceptsAudioOnly)
        XCTAssertTrue(MediaPolicy.isAcceptable(info))
    }

    func testOnePixelVideoIsPlayable() async throws {
        let info = try await probe("one-pixel.mp4")
        let video = try XCTUnwrap(info.mainVideoStream)
        XCTAssertEqual([video.width, video.height], [1, 1])
        XCTAssertEqual(video.pixelFormat, "yuv444p")
        assertDuration(info, 1)
        XCTAssertTrue(info.isPlayableVideo)
    }

    func testVP9OpusWebM() async throws {
        let info = try await probe("vp9-opus.webm")
        XCTAssertEqual(info.formatName, "matroska,webm")
        assertDuration(info, 3)
        XCTAssertEqual(info.videoStreams.count, 1)
        XCTAssertEqual(info.audioStreams.count, 1)
        let video = try XCTUnwrap(info.mainVideoStream)
        XCTAssertEqual(video.codecName, "vp9")
        XCTAssertEqual([video.width, video.height], [320, 240])
        XCTAssertEqual(video.frameRate, MediaRational(25, 1))
        XCTAssertEqual(video.pixelFormat, "yuv420p")
        let audio = try XCTUnwrap(info.audioStreams.first)
        XCTAssertEqual(audio.codecName, "opus")
        XCTAssertEqual(audio.sampleRate, 48_000)
        XCTAssertEqual(audio.channels, 1)
    }

    func testManyProbesAtOnceAllFinish() async throws {
        let names = ["main.mp4", "faststart.mp4", "portrait.mp4", "video-only.mp4", "audio-only.m4a",
                     "vp9-opus.webm", "half.mp4", "text.mp4"]
        let paths = try names.map { try Fixtures.get().path($0) }
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for path in paths {
                group.addTask {
                    do { _ = try await MediaProbe.probe(path: path); return (path, true) } catch { return (path, false) }
                }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        XCTAssertEqual(outcomes.count, names.count)
        XCTAssertEqual(outcomes.values.filter { $0 }.count, 6)
    }
}
