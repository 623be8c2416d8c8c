import CLibAV

/// An open AVFormatContext with its stream parameters read; closed on deinit.
/// Used by one thread at a time.
final class InputFile {
    let context: UnsafeMutablePointer<AVFormatContext>
    let formatName: String
    /// libav holds an unretained pointer to it: kept alive with the context.
    private let interrupt: Interrupt

    /// Opens `url` with the demuxer `format`; `interrupt` can stop any call.
    init(url: String, format: UnsafePointer<AVInputFormat>, limits: MediaProbeLimits,
         interrupt: Interrupt) throws(HeaderFailure)
    {
        formatName = String(cString: format.pointee.name)
        self.interrupt = interrupt
        guard let allocated = avformat_alloc_context() else { throw HeaderFailure(code: reel_averror(ENOMEM)) }
        allocated.pointee.interrupt_callback = interrupt.callback
        let options = LibAVOptions([
            "probesize": String(limits.probeSize),
            "analyzeduration": String(limits.analyzeDuration.microseconds),
            // Only local files: no demuxer may open a URL named in the upload.
            "protocol_whitelist": "file",
        ])
        var context: UnsafeMutablePointer<AVFormatContext>? = allocated
        let opened = avformat_open_input(&context, url, format, &options.dictionary)
        guard opened >= 0, let context else {
            throw HeaderFailure(code: opened)  // avformat_open_input freed the context
        }
        self.context = context
        // With no options, stream info decoders run single-threaded.
        let found = avformat_find_stream_info(context, nil)
        guard found >= 0 else { throw HeaderFailure(code: found) }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&context)
    }

    var streams: UnsafeBufferPointer<UnsafeMutablePointer<AVStream>?> {
        UnsafeBufferPointer(start: context.pointee.streams, count: Int(context.pointee.nb_streams))
    }

    /// The duration the container declares or computes from timestamps, in
    /// seconds; nil if unknown or only estimated from the bit rate.
    var declaredDuration: Double? {
        let duration = context.pointee.duration
        guard duration != reel_av_nopts_value(), duration > 0,
              context.pointee.duration_estimation_method != AVFMT_DURATION_FROM_BITRATE else { return nil }
        return Double(duration) / Double(AV_TIME_BASE)
    }

    /// Where the container's timeline starts, in seconds (durations count from here).
    var startTime: Double {
        let start = context.pointee.start_time
        return start == reel_av_nopts_value() ? 0 : Double(start) / Double(AV_TIME_BASE)
    }

    var bitRate: Int64? {
        context.pointee.bit_rate > 0 ? context.pointee.bit_rate : nil
    }
}

/// avformat_open_input or avformat_find_stream_info failed with `code`.
struct HeaderFailure: Error {
    let code: Int32
}

extension Duration {
    var microseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }

    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
