import CLibAV

/// The source file opened for transcoding: one demuxer (detected from the
/// bytes and refused by the same rules as the probe), its main video stream
/// and main audio stream (either may be missing), and, once opened, the
/// video decoder. Every blocking libav call can be stopped through
/// `interrupt`. Freed on deinit; used by one thread.
final class SourceInput {
    private(set) var format: UnsafeMutablePointer<AVFormatContext>?
    private(set) var videoDecoder: UnsafeMutablePointer<AVCodecContext>?
    private(set) var videoStream: UnsafeMutablePointer<AVStream>?
    private(set) var audioStream: UnsafeMutablePointer<AVStream>?
    private(set) var rotation = 0
    private(set) var frameRate = AVRational(num: 25, den: 1)
    /// Declared duration in seconds; 0 if unknown.
    private(set) var durationSeconds = 0.0
    private(set) var fileSize: Int64 = 0
    /// libav holds an unretained pointer to it: kept alive with the context.
    private let interrupt: Interrupt

    init(path: String, interrupt: Interrupt) throws(TranscodeError) {
        self.interrupt = interrupt
        // "file:" so that a path containing ':' is never taken for a protocol.
        let url = "file:" + path
        let detected: UnsafePointer<AVInputFormat>
        do throws(MediaProbeError) {
            fileSize = try FileCheck.check(path: path)
            detected = try FormatDetection.detect(url: url, interrupt: interrupt)
        } catch {
            if interrupt.stopReason != nil { throw .cancelled }
            throw .unreadableSource(error.reason)
        }
        if let refusal = MediaPolicy.refusal(ofFormat: String(cString: detected.pointee.name)) {
            throw .unreadableSource(MediaProbeError.refusedFormat(refusal).reason)
        }

        guard let allocated = avformat_alloc_context() else { throw .unreadableSource("out of memory") }
        allocated.pointee.interrupt_callback = interrupt.callback
        var context: UnsafeMutablePointer<AVFormatContext>? = allocated
        let options = LibAVOptions(["protocol_whitelist": "file"])
        let opened = avformat_open_input(&context, url, detected, &options.dictionary)
        guard opened >= 0, let context else { throw failure(opened) }  // the context was freed
        format = context
        let info = avformat_find_stream_info(context, nil)
        guard info >= 0 else { throw failure(info) }

        let streams = UnsafeBufferPointer(start: context.pointee.streams, count: Int(context.pointee.nb_streams))
        let catalog = StreamCatalog(streams: streams)
        videoStream = catalog.mainVideoIndex.flatMap { streams[$0] }
        audioStream = catalog.mainAudioIndex.flatMap { streams[$0] }
        guard videoStream != nil || audioStream != nil else { throw .noVideoStream }
        // Nothing else is demuxed into packets we would throw away.
        for case let stream? in streams where stream != videoStream && stream != audioStream {
            stream.pointee.discard = AVDISCARD_ALL
        }

        if let video = videoStream {
            rotation = StreamCatalog.rotation(of: video)
            let average = video.pointee.avg_frame_rate, real = video.pointee.r_frame_rate
            if average.num > 0 && average.den > 0 && av_q2d(average) <= 240 {
                frameRate = average
            } else if real.num > 0 && real.den > 0 && av_q2d(real) <= 240 {
                frameRate = real
            }
        }
        let main = videoStream ?? audioStream
        if context.pointee.duration > 0 {
            durationSeconds = Double(context.pointee.duration) / Double(AV_TIME_BASE)
        } else if let main, main.pointee.duration > 0 {
            durationSeconds = Double(main.pointee.duration) * av_q2d(main.pointee.time_base)
        }
    }

    deinit {
        avcodec_free_context(&videoDecoder)
        avformat_close_input(&format)
    }

    /// The error for a failed libav call: cancelled, or the source's fault.
    private func failure(_ code: Int32) -> TranscodeError {
        interrupt.stopReason != nil ? .cancelled : .unreadableSource(LibAVCode.message(code))
    }

    /// Opens the video decoder with at most `threads` threads (0: libav's choice).
    func openVideoDecoder(threads: Int) throws(TranscodeError) {
        guard let video = videoStream, videoDecoder == nil, let parameters = video.pointee.codecpar else { return }
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw .decoderFailed("no decoder for \(StreamCatalog.codecName(parameters.pointee.codec_id))")
        }
        videoDecoder = avcodec_alloc_context3(codec)
        guard let decoder = videoDecoder, avcodec_parameters_to_context(decoder, parameters) >= 0 else {
            throw .decoderFailed("the video decoder could not be set up")
        }
        decoder.pointee.pkt_timebase = video.pointee.time_base
        decoder.pointee.thread_count = Int32(clamping: max(0, threads))
        let opened = avcodec_open2(decoder, codec, nil)
        guard opened >= 0 else { throw .decoderFailed(LibAVCode.message(opened)) }
    }

    /// The audio stream's language as an RFC 5646 tag, from its `language`
    /// tag (e.g. "eng", "pt-BR"); nil when missing, undetermined or malformed.
    var audioLanguage: String? {
        guard let entry = av_dict_get(audioStream?.pointee.metadata, "language", nil, 0),
              let value = entry.pointee.value else { return nil }
        return Self.languageTag(String(cString: value))
    }

    /// `value` if it looks like a language tag (2–3 letters, then up to
    /// three `-` subtags of 1–8 letters or digits) that names a language
    /// (not "und", "mis", "mul" or "zxx").
    static func languageTag(_ value: String) -> String? {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = parts.first, (2...3).contains(primary.count), parts.count <= 4,
              primary.allSatisfy({ $0.isASCII && $0.isLetter }),
              parts.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { return nil }
        return ["und", "mis", "zxx", "mul"].contains(primary.lowercased()) ? nil : value
    }

    /// Leaves the video stream out of the demuxed packets (audio-only output).
    func ignoreVideo() {
        videoStream?.pointee.discard = AVDISCARD_ALL
    }

    /// Where the main stream (video, else audio) is, in seconds from its
    /// start, for a packet of that stream; nil for other packets or no time.
    func mainStreamSeconds(of packet: UnsafePointer<AVPacket>, videoIsMain: Bool) -> Double? {
        guard let stream = videoIsMain ? videoStream : audioStream,
              packet.pointee.stream_index == stream.pointee.index else { return nil }
        let nopts = reel_av_nopts_value()
        let time = packet.pointee.dts != nopts ? packet.pointee.dts : packet.pointee.pts
        guard time != nopts else { return nil }
        let start = stream.pointee.start_time == nopts ? 0 : stream.pointee.start_time
        return Double(time - start) * av_q2d(stream.pointee.time_base)
    }
}
