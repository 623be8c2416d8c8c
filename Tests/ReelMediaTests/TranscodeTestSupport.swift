import Foundation
import XCTest

/// Sources for the transcoder tests, made once per run with the ffmpeg CLI,
/// and ffprobe/ffmpeg helpers to check what the transcoder wrote.
enum TranscodeFixtures {
    static let shared: Result<String, FixtureError> = Result { () throws(FixtureError) in try make() }

    static func path(_ name: String) throws -> String { try shared.get() + "/" + name }

    private static func make() throws(FixtureError) -> String {
        let directory = transcodeFixtureDirectory
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: transcodeFixtureDirectory) }
        func video(_ size: String) -> [String] { ["-f", "lavfi", "-i", "testsrc=size=\(size):rate=25:duration=6"] }
        let sine = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=6"]
        let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        let aac = ["-c:a", "aac", "-shortest"]
        let jobs: [([String], String)] = [
            (video("1280x720") + sine + x264 + aac, "landscape-720.mp4"),
            (video("360x640") + sine + x264 + aac, "portrait-360x640.mp4"),
            (video("320x240") + x264, "video-only-320x240.mp4"),
            (video("640x360") + x264, "landscape-640x360.mp4"),
            // The rotate tag becomes a display matrix only on a stream copy.
            (["-i", directory + "/landscape-640x360.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=90"],
             "rotated-640x360.mp4"),
            (sine + aac, "audio-only.m4a"),
            // Long enough to watch a transcode while it runs, and to cancel one.
            (["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=30",
              "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=30"] + x264 + aac, "long-640x360.mp4"),
        ]
        for (arguments, name) in jobs {
            let result = run("ffmpeg", ["-nostdin", "-v", "error", "-y"] + arguments + [directory + "/" + name])
            guard result.status == 0 else { throw FixtureError("ffmpeg failed for \(name): \(result.stderr)") }
        }
        // Whole header and index, garbage over the middle of the media data:
        // the decoder fails on packets in the middle of the stream.
        do {
            var data = try Data(contentsOf: URL(fileURLWithPath: directory + "/landscape-720.mp4"))
            let start = data.count * 3 / 10, end = data.count * 6 / 10
            data.replaceSubrange(start..<end, with: Fixtures.pseudoRandomBytes(count: end - start, seed: 0xBAD))
            try data.write(to: URL(fileURLWithPath: directory + "/corrupt-middle.mp4"))
        } catch {
            throw FixtureError("cannot write corrupt-middle.mp4: \(error)")
        }
        return directory
    }

    static func temporaryDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "reel-transcode-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        guard (try? process.run()) != nil else { return (-1, "", "cannot run \(tool)") }
        // Read stderr on another thread so neither pipe can fill up and block.
        let errors = LockedData()
        let reader = Thread { errors.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errors.isSet { usleep(1000) }
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors.get(), as: UTF8.self))
    }

    /// ffprobe's JSON for `path`.
    static func probe(_ path: String, _ arguments: [String]) throws -> [String: Any] {
        let result = run("ffprobe", ["-v", "error", "-of", "json"] + arguments + [path])
        guard result.status == 0 else { throw FixtureError("ffprobe \(path): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// The #EXTINF durations and segment file names of a media playlist.
    static func segments(ofPlaylist path: String) throws -> [(duration: Double, file: String)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var result: [(Double, String)] = []
        var duration: Double?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#EXTINF:") {
                duration = Double(line.dropFirst(8).prefix { $0 != "," })
            } else if !line.hasPrefix("#"), let value = duration {
                result.append((value, String(line)))
                duration = nil
            }
        }
        return result
    }
}

/// Checks on what the transcoder wrote, with ffprobe and ffmpeg.
enum TranscodeChecks {
    /// The audio rendition as every master playlist with video and audio names it.
    static let audioMediaLine = #"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,"#
        + #"CHANNELS="2",URI="audio/index.m3u8""#

    /// The #EXT-X-STREAM-INF lines of a master playlist.
    static func streamInfLines(_ master: String) -> [String] {
        master.split(separator: "\n").map(String.init).filter { $0.hasPrefix("#EXT-X-STREAM-INF:") }
    }

    /// ffmpeg decodes every stream of `path` (a master playlist, an MPD)
    /// without a single line on stderr.
    static func assertDecodesCleanly(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        let result = TranscodeFixtures.run("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-map", "0", "-f", "null", "-"])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr, "", "\(path)", file: file, line: line)
    }

    /// The codec names ffprobe finds in `path`, sorted (a media playlist:
    /// what its segments carry).
    static func codecNames(_ path: String) throws -> [String] {
        let json = try TranscodeFixtures.probe(path, ["-show_entries", "stream=codec_name"])
        return (json["streams"] as? [[String: Any]] ?? []).compactMap { $0["codec_name"] as? String }.sorted()
    }

    /// "WxH" of a picture (poster, thumbnail).
    static func pictureSize(_ path: String) throws -> String {
        let json = try TranscodeFixtures.probe(path, ["-show_entries", "stream=width,height"])
        let stream = (json["streams"] as? [[String: Any]])?.first ?? [:]
        return "\(stream["width"] as? Int ?? 0)x\(stream["height"] as? Int ?? 0)"
    }

    /// Files under `directory` that are temporary (`*.tmp`).
    static func leftovers(in directory: String) -> [String] {
        let files = FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []
        return files.filter { $0.hasSuffix(".tmp") }.sorted()
    }

    /// ffprobe reads the MPD, announcing `seconds`, `videoStreams` video
    /// streams and `audioStreams` audio streams; with `decode`, ffmpeg also
    /// decodes every segment it names without a complaint. (FFmpeg 5.1's
    /// dashdec keeps only whole seconds of mediaPresentationDuration.)
    static func assertDashManifest(_ path: String, seconds: Double, videoStreams: Int, audioStreams: Int, decode: Bool,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let mpd = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(mpd.contains(String(format: "mediaPresentationDuration=\"PT%.3fS\"", seconds)), mpd,
                      file: file, line: line)
        let json = try TranscodeFixtures.probe(path, ["-show_entries", "stream=codec_type:format=duration"])
        let duration = Double((json["format"] as? [String: Any])?["duration"] as? String ?? "") ?? 0
        XCTAssertEqual(duration, seconds.rounded(.down), accuracy: 0.001, "MPD duration", file: file, line: line)
        let types = (json["streams"] as? [[String: Any]] ?? []).compactMap { $0["codec_type"] as? String }
        XCTAssertEqual(types.filter { $0 == "video" }.count, videoStreams, "\(types)", file: file, line: line)
        XCTAssertEqual(types.filter { $0 == "audio" }.count, audioStreams, "\(types)", file: file, line: line)
        if decode { assertDecodesCleanly(path, file: file, line: line) }
    }
}

final class ProgressLog: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var stored: [Double] = []
    func append(_ value: Double) { lock.withLock { stored.append(value) } }
    var values: [Double] { lock.withLock { stored } }
}

final class LockedData: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    func get() -> Data { lock.withLock { data ?? Data() } }
}

/// A global, so that the atexit handler (a C function pointer) can remove it.
private let transcodeFixtureDirectory = NSTemporaryDirectory() + "reel-transcode-fixtures-\(getpid())"
