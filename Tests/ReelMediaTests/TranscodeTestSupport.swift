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
        ]
        for (arguments, name) in jobs {
            let result = run("ffmpeg", ["-nostdin", "-v", "error", "-y"] + arguments + [directory + "/" + name])
            guard result.status == 0 else { throw FixtureError("ffmpeg failed for \(name): \(result.stderr)") }
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

final class LockedData: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    func get() -> Data { lock.withLock { data ?? Data() } }
}

/// A global, so that the atexit handler (a C function pointer) can remove it.
private let transcodeFixtureDirectory = NSTemporaryDirectory() + "reel-transcode-fixtures-\(getpid())"
