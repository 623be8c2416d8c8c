import CLibAV
import Foundation

/// libavformat's `hls` muxer for one rendition: CMAF (fMP4) segments
/// `<dir>/seg-%05d.m4s` after `<dir>/init.mp4`, listed by an EVENT playlist
/// `<dir>/index.m3u8`. The muxer rewrites the playlist after every segment
/// through `index.m3u8.tmp` and a rename (it always does for non-VOD
/// playlists on local files), and with `temp_file` writes each segment as
/// `seg-N.m4s.tmp` and renames it when complete: a file under its final name
/// is whole, and the playlist only names finished segments. `finish()`
/// appends #EXT-X-ENDLIST. Freed on deinit; used by one thread.
final class HLSMuxer {
    let directory: String
    private let label: String
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var videoStream: UnsafeMutablePointer<AVStream>?
    private var audioStream: UnsafeMutablePointer<AVStream>?

    /// Adds a stream per encoder given (video with its frame rate, audio) and
    /// writes the header; `label` names the rendition in error messages.
    init(directory: String, label: String, video: UnsafePointer<AVCodecContext>?, frameRate: AVRational,
         audio: UnsafePointer<AVCodecContext>?, segmentSeconds: Double, interrupt: Interrupt) throws(TranscodeError) {
        self.directory = directory
        self.label = label
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .outputFailed("cannot create \(directory): \(error.localizedDescription)")
        }
        packet = av_packet_alloc()
        let allocated = avformat_alloc_output_context2(&context, nil, "hls", directory + "/index.m3u8")
        guard allocated >= 0, let context, packet != nil else {
            throw .outputFailed("hls muxer: \(LibAVCode.message(allocated))")
        }
        context.pointee.interrupt_callback = interrupt.callback
        if let video {
            guard let stream = avformat_new_stream(context, nil),
                  avcodec_parameters_from_context(stream.pointee.codecpar, video) >= 0 else {
                throw .outputFailed("hls muxer: cannot add the video stream")
            }
            stream.pointee.time_base = video.pointee.time_base
            stream.pointee.avg_frame_rate = frameRate
            videoStream = stream
        }
        if let audio {
            guard let stream = avformat_new_stream(context, nil),
                  avcodec_parameters_from_context(stream.pointee.codecpar, audio) >= 0 else {
                throw .outputFailed("hls muxer: cannot add the audio stream")
            }
            stream.pointee.time_base = audio.pointee.time_base
            audioStream = stream
        }
        let options = LibAVOptions([
            "hls_segment_type": "fmp4",
            "hls_time": String(format: "%.3f", segmentSeconds),
            "hls_playlist_type": "event",
            "hls_fmp4_init_filename": "init.mp4",
            "hls_segment_filename": directory + "/seg-%05d.m4s",
            "hls_flags": "independent_segments+temp_file",
        ])
        let header = avformat_write_header(context, &options.dictionary)
        guard header >= 0 else { throw .outputFailed("hls header (\(label)): \(LibAVCode.message(header))") }
    }

    deinit {
        // Without a trailer (a failed or cancelled job) the unfinished
        // segment, which the fMP4 muxer holds in memory, is dropped.
        avformat_free_context(context)
        av_packet_free(&packet)
    }

    /// Writes an encoded video packet whose timestamps are in `timeBase`;
    /// takes the packet's reference (it comes back blank).
    func writeVideo(_ encoded: UnsafeMutablePointer<AVPacket>, timeBase: AVRational) throws(TranscodeError) {
        guard let videoStream else { return av_packet_unref(encoded) }
        try write(encoded, timeBase: timeBase, to: videoStream, what: "video")
    }

    /// Writes a copy of an AAC packet (the caller keeps its own).
    func writeAudio(_ source: UnsafeMutablePointer<AVPacket>, timeBase: AVRational) throws(TranscodeError) {
        guard let audioStream, let packet else { return }
        guard av_packet_ref(packet, source) >= 0 else { throw .outputFailed("out of memory") }
        try write(packet, timeBase: timeBase, to: audioStream, what: "audio")
    }

    private func write(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational,
                       to stream: UnsafeMutablePointer<AVStream>, what: String) throws(TranscodeError) {
        av_packet_rescale_ts(packet, timeBase, stream.pointee.time_base)
        packet.pointee.stream_index = stream.pointee.index
        let written = av_interleaved_write_frame(context, packet)  // takes the packet's reference
        guard written >= 0 else { throw .outputFailed("\(what) (\(label)): \(LibAVCode.message(written))") }
    }

    /// Writes the last segment and closes the playlist (#EXT-X-ENDLIST).
    func finish() throws(TranscodeError) {
        let trailer = av_write_trailer(context)
        guard trailer >= 0 else { throw .outputFailed("hls trailer (\(label)): \(LibAVCode.message(trailer))") }
    }
}
