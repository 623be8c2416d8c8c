import Foundation
import ReelMedia
import XCTest

/// Broken sources end in a result or a typed error, never a hang; a
/// transcode can be cancelled from another thread; playlists are published
/// while the transcode runs.
final class TranscodeRobustnessTests: XCTestCase {
    private func outputDirectory() -> String {
        let output = TranscodeFixtures.temporaryDirectory("robust")
        addTeardownBlock {
            if ProcessInfo.processInfo.environment["REEL_KEEP_OUTPUT"] == nil { try? FileManager.default.removeItem(atPath: output) }
        }
        return output
    }

    /// Runs a transcode on a thread of its own; nil if it has not returned
    /// after `limit` seconds (a hang).
    private func transcode(_ source: String, limit: Double = 60, cancellation: TranscodeCancellation? = nil,
                           progress: @escaping @Sendable (Double) -> Void = { _ in })
        -> Result<TranscodeResult, TranscodeError>?
    {
        let output = outputDirectory()
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let transcoder = LadderTranscoder(options: TranscodeOptions(preset: "ultrafast"))
            box.set(Result { () throws(TranscodeError) in
                try transcoder.transcode(source: source, outputDirectory: output, cancellation: cancellation,
                                         progress: progress)
            })
            done.signal()
        }
        thread.start()
        guard done.wait(timeout: .now() + limit) == .success else { return nil }
        return box.get()
    }

    func testBrokenSourcesEndInAResultOrATypedError() throws {
        let sources = [
            try Fixtures.get().path("random.mp4"),  // random bytes named .mp4
            try Fixtures.get().path("text.mp4"),
            try Fixtures.get().path("empty.mp4"),
            try Fixtures.get().path("half.mp4"),  // cut in half, index lost
            try Fixtures.get().path("faststart-60.mp4"),  // index whole, data cut at 60%
            try Fixtures.get().path("playlist.mp4"),  // an HLS playlist naming a local file
            try Fixtures.get().path("unknown-codec.mkv"),  // no decoder for the video
            try Fixtures.get().path("vp9-opus-60.webm"),  // cut at 60%
            try TranscodeFixtures.path("corrupt-middle.mp4"),  // garbage over the middle of the data
        ]
        for source in sources {
            let name = (source as NSString).lastPathComponent
            switch transcode(source) {
            case nil:
                XCTFail("\(name): no answer within a minute")
            case .success(let result)?:
                XCTAssertLessThanOrEqual(result.durationSeconds, 6.5, name)
                XCTAssertTrue(FileManager.default.fileExists(atPath: result.masterPlaylistPath), name)
            case .failure(let error)?:
                XCTAssertFalse(error.description.isEmpty, name)
                XCTAssertNotEqual(error, .cancelled, name)
            }
        }
        for name in ["random.mp4", "text.mp4", "empty.mp4", "playlist.mp4"] {
            guard case .failure(let error)? = transcode(try Fixtures.get().path(name)),
                  case .unreadableSource = error else { return XCTFail("\(name) was not refused as unreadable") }
            XCTAssertTrue(error.isPermanent)
        }
    }

    func testCancellationFromAnotherThreadStopsPromptly() throws {
        let source = try TranscodeFixtures.path("long-640x360.mp4")
        let threadsBefore = Self.threadCount()
        let cancellation = TranscodeCancellation()
        let cancelledAt = InstantBox()
        let progress = ProgressLog()
        let outcome = transcode(source, cancellation: cancellation) { fraction in
            progress.append(fraction)
            guard fraction >= 0.1, !cancelledAt.isSet else { return }
            cancelledAt.set(.now)
            Thread.detachNewThread { cancellation.cancel() }
            // The transcode goes on until it notices the flag the other thread sets.
            while !cancellation.isCancelled { usleep(100) }
        }
        let stoppedAfter = cancelledAt.get().map { ContinuousClock.now - $0 }
        guard case .failure(let error)? = outcome else { return XCTFail("not cancelled: \(String(describing: outcome))") }
        XCTAssertEqual(error, .cancelled)
        XCTAssertFalse(error.isPermanent)
        XCTAssertTrue(cancellation.isCancelled)
        XCTAssertLessThan(progress.values.last ?? 1, 0.5, "stopped long before the end: \(progress.values)")
        // Generous (a loaded machine): the flag is checked between packets.
        XCTAssertLessThan(stoppedAfter ?? .seconds(60), .seconds(3))
        // Every codec thread (x264, the decoder) is gone with the job.
        var threadsAfter = Self.threadCount()
        for _ in 0..<100 where threadsAfter > threadsBefore {
            usleep(10_000)
            threadsAfter = Self.threadCount()
        }
        XCTAssertLessThanOrEqual(threadsAfter, threadsBefore)
    }

    func testPlaylistsArePublishedWhileTranscoding() throws {
        let source = try TranscodeFixtures.path("long-640x360.mp4")
        let output = outputDirectory()
        let seen = SeenFiles()
        let result = try LadderTranscoder(preset: "ultrafast").transcode(source: source, outputDirectory: output) { fraction in
            guard fraction > 0.6, !seen.isSet else { return }
            seen.set(master: try? String(contentsOfFile: output + "/master.m3u8", encoding: .utf8),
                     playlist: try? String(contentsOfFile: output + "/360p/index.m3u8", encoding: .utf8),
                     audio: try? String(contentsOfFile: output + "/audio/index.m3u8", encoding: .utf8))
        }
        let (master, playlist, audio) = seen.get()
        XCTAssertTrue(master?.contains("360p/index.m3u8") == true, master ?? "no master.m3u8 while transcoding")
        // The nominal bandwidth, 1.1 × (800 + 128 kb/s), until the end.
        XCTAssertTrue(master?.contains("BANDWIDTH=1020800,") == true, master ?? "")
        XCTAssertTrue(playlist?.contains("#EXTINF:") == true, playlist ?? "no media playlist while transcoding")
        XCTAssertTrue(playlist?.contains("#EXT-X-PLAYLIST-TYPE:EVENT") == true, playlist ?? "")
        XCTAssertFalse(playlist?.contains("#EXT-X-ENDLIST") ?? true, playlist ?? "")
        // The audio rendition is published as it goes too.
        XCTAssertTrue(master?.contains(#"URI="audio/index.m3u8""#) == true, master ?? "")
        XCTAssertTrue(audio?.contains("#EXTINF:") == true, audio ?? "no audio playlist while transcoding")
        XCTAssertFalse(audio?.contains("#EXT-X-ENDLIST") ?? true, audio ?? "")
        let final = try String(contentsOfFile: result.renditions[0].playlistPath, encoding: .utf8)
        XCTAssertTrue(final.hasSuffix("#EXT-X-ENDLIST\n"), final)
        XCTAssertGreaterThan(final.components(separatedBy: "#EXTINF:").count, playlist?.components(separatedBy: "#EXTINF:").count ?? 0)
        XCTAssertFalse(try String(contentsOfFile: result.masterPlaylistPath, encoding: .utf8).contains("BANDWIDTH=1020800,"),
                       "measured bandwidth at the end")
    }

    /// Threads of this process (Linux).
    private static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }
}

private final class ResultBox: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var result: Result<TranscodeResult, TranscodeError>?
    func set(_ value: Result<TranscodeResult, TranscodeError>) { lock.withLock { result = value } }
    func get() -> Result<TranscodeResult, TranscodeError>? { lock.withLock { result } }
}

private final class InstantBox: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var instant: ContinuousClock.Instant?
    var isSet: Bool { lock.withLock { instant != nil } }
    func set(_ value: ContinuousClock.Instant) { lock.withLock { instant = value } }
    func get() -> ContinuousClock.Instant? { lock.withLock { instant } }
}

private final class SeenFiles: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var seen: (master: String?, playlist: String?, audio: String?)?
    var isSet: Bool { lock.withLock { seen != nil } }
    func set(master: String?, playlist: String?, audio: String?) { lock.withLock { seen = (master, playlist, audio) } }
    func get() -> (String?, String?, String?) { lock.withLock { seen ?? (nil, nil, nil) } }
}
