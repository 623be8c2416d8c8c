import ArgumentParser
import Foundation
import ReelMedia

/// `reel-bench transcode SOURCE OUTDIR`: one HLS ladder made by ReelMedia, as the
/// transcoder plugin would, timed for `tools/bench transcode`. Prints one
/// JSON line on stdout when done: wall seconds, seconds until every
/// rendition's playlist (each video rung's and the audio's) listed a
/// segment, the renditions and the duration.
struct Transcode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcode a file into an HLS ladder (CMAF) and print the timings as JSON.",
        discussion: "Writes OUTDIR/master.m3u8, OUTDIR/<rung>/index.m3u8 and OUTDIR/audio/index.m3u8 with their segments, OUTDIR/manifest.mpd, a poster and thumbnails.")

    @Argument(help: "The source video file.")
    var source: String

    @Argument(help: "The output directory (must be empty or absent).")
    var outputDirectory: String

    @Option(help: "libx264 preset (ultrafast … veryslow).")
    var preset = "veryfast"

    @Option(help: "Cores' worth of encoder threads, split by rung area (default: the cores, as the transcoder plugin's REEL_TRANSCODER_THREADS; 0: libav's choice for each encoder).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Scale every rung from the source (no cascade from the next larger rung).")
    var scaleFromSource = false

    @Option(help: "Length of a shorter first segment in seconds (0: a full segment; the transcoder plugin's default is 2).")
    var firstSegment = 2.0

    func validate() throws {
        guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: outputDirectory)) ?? []
        guard existing.isEmpty else { throw ValidationError("\(outputDirectory) is not empty") }
    }

    func run() throws {
        let start = ContinuousClock.now
        let transcoder = LadderTranscoder(options: TranscodeOptions(preset: preset, threads: threads,
                                                                       cascadeScaling: !scaleFromSource,
                                                                       firstSegmentSeconds: firstSegment))
        let ladder: TranscodeLadder
        do {
            ladder = try LadderTranscoder.ladder(for: source)
        } catch {
            fail(error)
        }

        // Each result is written once by its thread before it signals, and read
        // here only after waiting on that signal: the semaphore orders the accesses.
        nonisolated(unsafe) var outcome: Result<TranscodeResult, TranscodeError>?
        nonisolated(unsafe) var firstSegment: Duration?
        let encoded = DispatchSemaphore(value: 0), watched = DispatchSemaphore(value: 0)
        let (source, output) = (source, outputDirectory)
        let renditions = ladder.rungs.map(\.name) + (ladder.audioBitRate == nil ? [] : [TranscodeLadder.audioRenditionName])
        let playlists = renditions.map { output + "/" + $0 + "/index.m3u8" }

        // libav blocks for minutes: a thread of its own, never the cooperative pool.
        Thread {
            outcome = Result { () throws(TranscodeError) in
                try transcoder.transcode(source: source, outputDirectory: output, ladder: ladder, progress: { _ in })
            }
            encoded.signal()
        }.start()
        if !playlists.isEmpty {  // (a source with neither video nor audio fails to open)
            Thread {
                firstSegment = SegmentWatch.firstSegment(playlists: playlists, since: start)
                watched.signal()
            }.start()
        }

        encoded.wait()
        let wall = ContinuousClock.now - start
        switch outcome {
        case .success(let result):
            if !playlists.isEmpty { watched.wait() }  // every playlist has ended: at most one more poll
            print(SegmentWatch.report(result, wall: wall, firstSegment: firstSegment))
        case .failure(let error):
            fail(error)
        case nil:
            fail(TranscodeError.outputFailed("the transcode thread returned nothing"))
        }
    }

    private func fail(_ error: Error) -> Never {
        FileHandle.standardError.write(Data("reel-bench transcode: \(error)\n".utf8))
        Foundation.exit(1)
    }
}

/// The polling and the JSON report of `reel-bench transcode`.
enum SegmentWatch {
    /// Polls every 50 ms until every playlist lists at least one segment
    /// (`#EXTINF`), and returns the time since `start`; nil if every playlist
    /// ended (`#EXT-X-ENDLIST`) first, i.e. some rung has no segment at all.
    static func firstSegment(playlists: [String], since start: ContinuousClock.Instant) -> Duration? {
        while true {
            let ended = playlists.allSatisfy { contains($0, "#EXT-X-ENDLIST") }
            if playlists.allSatisfy({ contains($0, "#EXTINF") }) { return ContinuousClock.now - start }
            if ended { return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    private static func contains(_ playlist: String, _ tag: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: playlist) else { return false }
        return data.range(of: Data(tag.utf8)) != nil
    }

    static func report(_ result: TranscodeResult, wall: Duration, firstSegment: Duration?) -> String {
        let renditions: [[String: Any]] = result.renditions.map {
            ["name": $0.rung.name, "width": $0.rung.width, "height": $0.rung.height,
             "video_bit_rate": $0.rung.videoBitRate, "bandwidth": $0.bandwidth,
             "codecs": $0.codecs, "playlist": $0.playlistPath]
        }
        let object: [String: Any] = [
            "seconds": seconds(wall),
            "first_segment_seconds": firstSegment.map(seconds) ?? NSNull(),
            "renditions": renditions,
            "audio_playlist": result.audioPlaylistPath ?? NSNull(),
            "duration_seconds": result.durationSeconds,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
              let line = String(data: data, encoding: .utf8) else { return "{}" }
        return line
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return ((Double(whole) + Double(fraction) / 1e18) * 1000).rounded() / 1000
    }
}
