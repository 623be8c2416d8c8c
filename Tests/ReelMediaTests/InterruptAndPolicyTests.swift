import CLibAV
@testable import ReelMedia
import XCTest

final class InterruptAndPolicyTests: XCTestCase {
    func testExpiredDeadlineStopsLibavThroughTheInterruptCallback() throws {
        let path = try Fixtures.get().path("main.mp4")
        let interrupt = Interrupt(timeout: .zero)
        XCTAssertThrowsError(try FormatDetection.detect(url: "file:" + path, interrupt: interrupt)) { error in
            XCTAssertEqual(error as? MediaProbeError, .timedOut(seconds: 0))
        }
        XCTAssertEqual(MediaProbeError.timedOut(seconds: 60).reason, "the file took longer than 60 s to read")
    }

    func testProbeTimesOut() async throws {
        let path = try Fixtures.get().path("main.mp4")
        do {
            _ = try await MediaProbe.probe(path: path, limits: MediaProbeLimits(timeout: .zero))
            XCTFail("no timeout")
        } catch {
            XCTAssertEqual(error, .timedOut(seconds: 0))
        }
    }

    func testCancelledTaskStopsTheProbe() async throws {
        let path = try Fixtures.get().path("main.mp4")
        let task = Task { () async throws(MediaProbeError) -> MediaInfo in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await MediaProbe.probe(path: path)
        }
        let result = await task.result
        XCTAssertThrowsError(try result.get()) { error in
            XCTAssertEqual(error as? MediaProbeError, .cancelled)
        }
    }

    /// av_display_rotation_get answers counter-clockwise; players turn clockwise.
    func testRotationIsClockwiseQuarterTurns() {
        // A phone's portrait recording (as Samsung and Apple write it).
        let phonePortrait: [Int32] = [0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30]
        XCTAssertEqual(av_display_rotation_get(phonePortrait), -90)
        XCTAssertEqual(StreamCatalog.clockwiseQuarterTurns(counterClockwiseDegrees: -90), 90)
        let cases: [(Double, Int)] = [(0, 0), (90, 270), (180, 180), (-180, 180), (-89.6, 90), (-270, 270), (.nan, 0)]
        for (degrees, expected) in cases {
            XCTAssertEqual(StreamCatalog.clockwiseQuarterTurns(counterClockwiseDegrees: degrees), expected, "\(degrees)")
        }
    }

    func testFormatPolicy() {
        XCTAssertNil(MediaPolicy.refusal(ofFormat: "mov,mp4,m4a,3gp,3g2,mj2"))
        XCTAssertNil(MediaPolicy.refusal(ofFormat: "gif"))
        XCTAssertEqual(MediaPolicy.refusal(ofFormat: "jpeg_pipe"), "it is a still image (jpeg)")
        XCTAssertEqual(MediaPolicy.refusal(ofFormat: "concat"), "concat files refer to other files")
    }

    func testPolicyOnInfo() {
        let video = VideoStreamInfo(index: 0, codecName: "h264", width: 1, height: 1, frameRate: nil,
                                    pixelFormat: nil, rotation: 0, bitRate: nil, durationSeconds: nil)
        let audio = AudioStreamInfo(index: 1, codecName: "aac", sampleRate: 48_000, channels: 2,
                                    channelLayout: "stereo", sampleFormat: "fltp", bitRate: nil, durationSeconds: nil)
        let both = MediaInfo(formatName: "mp4", durationSeconds: 1, bitRate: nil,
                             videoStreams: [video], audioStreams: [audio], decodedStreamIndex: 0)
        XCTAssertTrue(MediaPolicy.isPlayableVideo(both))
        var audioOnly = both
        audioOnly.videoStreams = []
        audioOnly.decodedStreamIndex = 1
        XCTAssertFalse(MediaPolicy.isPlayableVideo(audioOnly))
        XCTAssertTrue(MediaPolicy.isAcceptable(audioOnly))
    }
}
