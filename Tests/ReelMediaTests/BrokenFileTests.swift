import Foundation
import ReelMedia
import XCTest

/// Broken and unacceptable files: each fails with the right error and a
/// reason an uploader can read; none crashes or hangs.
final class BrokenFileTests: XCTestCase {
    private func error(probing name: String, file: StaticString = #filePath, line: UInt = #line) async throws
        -> MediaProbeError
    {
        let path = try Fixtures.get().path(name)
        do {
            let info = try await MediaProbe.probe(path: path)
            XCTFail("\(name) was accepted: \(info)", file: file, line: line)
        } catch {
            return error
        }
        throw FixtureError("\(name) was accepted")
    }

    func testEmptyFile() async throws {
        let error = try await error(probing: "empty.mp4")
        XCTAssertEqual(error, .emptyFile)
        XCTAssertEqual(error.reason, "the file is empty")
    }

    func testMissingFile() async throws {
        let error = try await error(probing: "does-not-exist.mp4")
        XCTAssertEqual(error, .unreadable("no such file or directory"))
    }

    func testDirectoryIsNotAFile() async throws {
        let error = try await error(probing: "")
        XCTAssertEqual(error, .unreadable("it is not a regular file"))
    }

    func testTextNamedMP4IsNotDetected() async throws {
        let error = try await error(probing: "text.mp4")
        XCTAssertEqual(error, .unrecognizedFormat)
        XCTAssertEqual(error.reason,
                       "the file is not a video or audio file we can read (format could not be detected)")
    }

    func testRandomBytesAreNotDetected() async throws {
        let error = try await error(probing: "random.mp4")
        XCTAssertEqual(error, .unrecognizedFormat)
    }

    func testMP4CutInHalfHasNoIndex() async throws {
        // ffmpeg writes the index (moov) last, so any cut loses it.
        let error = try await error(probing: "half.mp4")
        XCTAssertEqual(error, .truncated("it ends in the middle of its 'mdat' box and its index (the 'moov' box) is missing"))
        XCTAssertTrue(error.reason.hasPrefix("the file looks truncated: "), error.reason)
    }

    func testMP4WithItsIndexCutShort() async throws {
        let error = try await error(probing: "moov-cut.mp4")
        XCTAssertEqual(error, .truncated("it ends in the middle of its 'moov' box"))
    }

    func testFaststartMP4CutAt60PercentParsesButIsTruncated() async throws {
        // The header (moov first) is whole and the first frame decodes; the
        // packet scan finds the data missing (mov reads the cut as EOF).
        try await assertEndsEarly("faststart-60.mp4")
    }

    func testWebMCutAt60PercentEndsBeforeItsDuration() async throws {
        try await assertEndsEarly("vp9-opus-60.webm")
    }

    private func assertEndsEarly(_ name: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        let error = try await error(probing: name)
        guard case .truncated(let detail) = error else { return XCTFail("\(error)", file: file, line: line) }
        // "its data ends at 1.7 s of the 3.0 s it declares"
        XCTAssertTrue(detail.hasPrefix("its data ends at 1."), detail, file: file, line: line)
        XCTAssertTrue(detail.hasSuffix(" s of the 3.0 s it declares"), detail, file: file, line: line)
        XCTAssertTrue(error.reason.hasPrefix("the file looks truncated: its data ends at"), error.reason)
    }

    func testSubtitlesOnlyHaveNoPlayableStream() async throws {
        let error = try await error(probing: "subtitles.mp4")
        XCTAssertEqual(error, .noPlayableStream)
        XCTAssertEqual(error.reason, "no playable video or audio stream")
    }

    func testUnknownVideoCodec() async throws {
        let error = try await error(probing: "unknown-codec.mkv")
        XCTAssertEqual(error, .unsupportedCodec("unknown"))
        XCTAssertEqual(error.reason, "codec unknown is not supported")
    }

    func testStillImageIsRefused() async throws {
        let error = try await error(probing: "still.png")
        XCTAssertEqual(error, .refusedFormat("it is a still image (png)"))
    }

    func testPlaylistIsRefusedBeforeLibavOpensIt() async throws {
        let error = try await error(probing: "playlist.mp4")
        XCTAssertEqual(error, .refusedFormat("hls files refer to other files"))
    }

    /// 100 bytes of Latin-1 text in which "ÿó Ä" twice happens to be an MPEG-2
    /// layer III frame header: libav's mp3 demuxer claims it with score 1 of
    /// 100 at end of file, and its decoder makes 0.05 s of noise from it.
    static func textThatLooksLikeMP3() -> Data {
        let text = Data(String(repeating: "These are my notes, not a video. ", count: 10).utf8)
        let header = Data([0xFF, 0xF3, 0x20, 0xC4])
        return (text[0..<20] + header + text[20..<68] + header + text).prefix(100)
    }

    func testATextFileIsNotAudioOnAFaintGuess() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reel-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("notes.txt").path
        try Self.textThatLooksLikeMP3().write(to: URL(fileURLWithPath: path))
        do {
            let info = try await MediaProbe.probe(path: path)
            XCTFail("a text file was accepted: \(info)")
        } catch {
            XCTAssertEqual(error, .uncertainFormat("mp3", score: 1))
            XCTAssertEqual(error.reason, "the file is not a video or audio file we can read "
                           + "(it only faintly resembles mp3: confidence 1 of 100)")
        }
    }
}
