import CLibAV
import Foundation

/// Transcodes one source into an adaptive HLS ladder of CMAF (fMP4)
/// renditions: demux once, decode video once, scale and encode per rung
/// (libx264, closed 2 s GOPs, an IDR forced at every 4 s boundary so that
/// segments align across rungs), decode/resample/encode audio once (AAC-LC
/// stereo) and mux the same AAC packets into every rung. Blocking: runs on
/// the calling thread (put it on one of MediaThreads' threads).
///
/// Output: `<out>/<rung>/index.m3u8`, `init.mp4`, `seg-%05d.m4s`, then
/// `<out>/master.m3u8` (written last, so its presence means "complete").
public struct HLSTranscoder: Sendable {
    /// x264 preset ("ultrafast" … "veryslow").
    public var preset: String
    /// Segment duration in seconds (keyframes are forced on this grid).
    public let segmentSeconds = 4.0

    public init(preset: String = "veryfast") {
        self.preset = preset
    }

    /// The ladder this transcoder would make for `source` (opens its header).
    public static func ladder(for source: String) throws(TranscodeError) -> TranscodeLadder {
        LibAVLog.applyDefault()
        let input = try SourceInput(path: source)
        let parameters = input.videoStream.pointee.codecpar.pointee
        return TranscodeLadder(sourceWidth: Int(parameters.width), sourceHeight: Int(parameters.height),
                               rotation: input.rotation, hasAudio: input.audioStream != nil)
    }

    public func transcode(source: String, outputDirectory: String, ladder: TranscodeLadder? = nil,
                          progress: @Sendable (Double) -> Void = { _ in }) throws(TranscodeError) -> TranscodeResult {
        LibAVLog.applyDefault()
        let input = try SourceInput(path: source)
        let video = input.videoStream
        let parameters = video.pointee.codecpar.pointee
        let ladder = ladder ?? TranscodeLadder(sourceWidth: Int(parameters.width), sourceHeight: Int(parameters.height),
                                               rotation: input.rotation, hasAudio: input.audioStream != nil)
        guard !ladder.rungs.isEmpty else { throw .encoderFailed("the ladder has no rungs") }

        var audio: AudioTrack?
        if let stream = input.audioStream, let bitRate = ladder.audioBitRate {
            audio = try AudioTrack(stream: stream, bitRate: bitRate)
        }
        let settings = RungOutput.Settings(
            preset: preset, timeBase: video.pointee.time_base, frameRate: input.frameRate,
            rotation: input.rotation)
        var rungs: [RungOutput] = []
        for rung in ladder.rungs {
            let directory = outputDirectory + "/" + rung.name
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .outputFailed("cannot create \(directory): \(error.localizedDescription)")
            }
            rungs.append(try RungOutput(rung: rung, directory: directory, settings: settings,
                                        audioEncoder: audio?.encoder.map { UnsafePointer($0) }))
        }

        let poster = PosterGrabber(atSeconds: input.durationSeconds * 0.1)
        let videoLoop = VideoLoop(input: input, rungs: rungs, segmentSeconds: segmentSeconds,
                                  poster: poster)
        let writeAudio: (UnsafeMutablePointer<AVPacket>, AVRational) throws(TranscodeError) -> Void = { packet, timeBase throws(TranscodeError) in
            for rung in rungs { try rung.writeAudio(packet, timeBase: timeBase) }
        }

        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let packet else { throw .outputFailed("out of memory") }
        while true {
            let read = av_read_frame(input.format, packet)
            if read == LibAVCode.eof { break }
            guard read >= 0 else { throw .unreadableSource(LibAVCode.message(read)) }
            defer { av_packet_unref(packet) }
            if packet.pointee.stream_index == video.pointee.index {
                try videoLoop.feed(packet, progress: progress)
            } else if let audio, packet.pointee.stream_index == audio.streamIndex {
                try audio.feed(packet, sink: writeAudio)
            }
        }
        try videoLoop.feed(nil, progress: progress)
        try audio?.feed(UnsafePointer<AVPacket>?.none, sink: writeAudio)
        for rung in rungs { try rung.finish() }

        var posterPath: String? = outputDirectory + "/poster.jpg"
        if let frame = poster.frame, let path = posterPath {
            do { try PosterGrabber.writeJPEG(frame, rotation: input.rotation, to: path) } catch { posterPath = nil }
        } else {
            posterPath = nil
        }

        let fps = av_q2d(input.frameRate)
        var entries: [MasterPlaylist.Entry] = []
        var renditions: [TranscodeResult.Rendition] = []
        for rung in rungs {
            let playlist = rung.directory + "/index.m3u8"
            let nominal = Int(Double(rung.rung.videoBitRate + (audio == nil ? 0 : ladder.audioBitRate ?? 0)) * 1.1)
            let measured = MasterPlaylist.measure(playlist: playlist, directory: rung.directory)
            let entry = MasterPlaylist.Entry(rung: rung.rung, codecs: rung.codecs, frameRate: fps,
                                             peak: measured?.peak ?? nominal, average: measured?.average ?? nominal)
            entries.append(entry)
            renditions.append(.init(rung: rung.rung, playlistPath: playlist, codecs: rung.codecs, bandwidth: entry.peak))
        }
        let master = outputDirectory + "/master.m3u8"
        try MasterPlaylist.write(entries, to: master)
        progress(1)
        return TranscodeResult(masterPlaylistPath: master, renditions: renditions, posterPath: posterPath,
                               durationSeconds: input.durationSeconds)
    }
}
