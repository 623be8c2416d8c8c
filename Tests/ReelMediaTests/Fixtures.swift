import Foundation
import XCTest

/// Media files made once per test run with the ffmpeg CLI (tests only: the
/// product never runs it) from lavfi's testsrc and sine sources, plus broken
/// files cut or written from them. Removed when the test process exits.
struct Fixtures: Sendable {
    let directory: String

    static let shared: Result<Fixtures, FixtureError> = Result { () throws(FixtureError) in try Fixtures.make() }

    static func get() throws -> Fixtures {
        try shared.get()
    }

    func path(_ name: String) -> String { directory + "/" + name }

    private static func make() throws(FixtureError) -> Fixtures {
        let directory = fixtureDirectory
        try? FileManager.default.removeItem(atPath: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FixtureError("cannot create \(directory): \(error)")
        }
        atexit { try? FileManager.default.removeItem(atPath: fixtureDirectory) }
        let fixtures = Fixtures(directory: directory)
        try fixtures.generate()
        return fixtures
    }

    private func generate() throws(FixtureError) {
        func video(_ size: String, seconds: Int = 3) -> [String] {
            ["-f", "lavfi", "-i", "testsrc=size=\(size):rate=25:duration=\(seconds)"]
        }
        let sine = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3"]
        let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        let aac = ["-c:a", "aac"]

        // Good files.
        try ffmpeg(video("320x240") + sine + x264 + aac, "main.mp4")  // moov at the end
        try ffmpeg(video("320x240") + sine + x264 + aac + ["-movflags", "+faststart"], "faststart.mp4")
        try ffmpeg(video("240x320") + sine + x264 + aac, "portrait.mp4")
        try ffmpeg(["-i", path("main.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90"], "rotated.mp4")
        try ffmpeg(video("320x240") + x264, "video-only.mp4")
        try ffmpeg(sine + aac, "audio-only.m4a")
        // x264 needs even sizes in 4:2:0; 4:4:4 allows 1x1.
        try ffmpeg(video("1x1", seconds: 1) + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"],
                   "one-pixel.mp4")
        try ffmpeg(video("320x240") + sine + ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-deadline", "realtime", "-cpu-used", "8",
                                              "-c:a", "libopus"], "vp9-opus.webm")
        try ffmpeg(["-i", path("main.mp4"), "-c", "copy"], "main.mkv")
        try ffmpeg(video("64x64") + ["-frames:v", "1"], "still.png")

        // Broken files.
        try write(Data(), "empty.mp4")
        try write(Data("This is a text file, not a video.\n".utf8), "text.mp4")
        try write(Self.pseudoRandomBytes(count: 65_536, seed: 0x5EED), "random.mp4")
        try write(Data("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n".utf8),
                  "playlist.mp4")
        try write(Data("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nWorld\n\n".utf8),
                  "subtitles.mp4")
        try cut("main.mp4", to: { $0 / 2 }, "half.mp4")
        try cut("main.mp4", to: { $0 - 500 }, "moov-cut.mp4")
        try cut("faststart.mp4", to: { $0 * 6 / 10 }, "faststart-60.mp4")
        try cut("vp9-opus.webm", to: { $0 * 6 / 10 }, "vp9-opus-60.webm")
        // A Matroska file whose video codec id is unknown to libav.
        var mkv = try read("main.mkv")
        guard let range = mkv.range(of: Data("V_MPEG4/ISO/AVC".utf8)) else { throw FixtureError("no codec id in main.mkv") }
        mkv.replaceSubrange(range, with: Data("V_REEL/UNKNOWN1".utf8))
        try write(mkv, "unknown-codec.mkv")
    }

    private func ffmpeg(_ arguments: [String], _ output: String) throws(FixtureError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments
            + ["-shortest", path(output)]
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch { throw FixtureError("cannot run ffmpeg: \(error)") }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("ffmpeg failed for \(output): \(message)") }
    }

    private func cut(_ source: String, to size: (Int) -> Int, _ output: String) throws(FixtureError) {
        let data = try read(source)
        try write(data.prefix(size(data.count)), output)
    }

    private func read(_ name: String) throws(FixtureError) -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path(name))) } catch {
            throw FixtureError("cannot read \(name): \(error)")
        }
    }

    private func write(_ data: Data, _ name: String) throws(FixtureError) {
        do { try data.write(to: URL(fileURLWithPath: path(name))) } catch {
            throw FixtureError("cannot write \(name): \(error)")
        }
    }

    /// The same "random" bytes every run (SplitMix64), so that format
    /// detection sees the same input each time.
    static func pseudoRandomBytes(count: Int, seed: UInt64) -> Data {
        var state = seed
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        while bytes.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            withUnsafeBytes(of: z) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
        }
        return Data(bytes)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A global, so that the atexit handler (a C function pointer, which cannot
/// capture) can remove it.
private let fixtureDirectory = NSTemporaryDirectory() + "reel-media-tests-\(getpid())"
