import CLibAV

/// Decodes the source's audio once, resamples it to stereo float planar
/// (libswresample) and encodes AAC-LC once; every packet goes to `sink`
/// (which writes it to the audio rendition's muxer). Freed on deinit; one thread.
final class AudioTrack {
    private var decoder: UnsafeMutablePointer<AVCodecContext>?
    private(set) var encoder: UnsafeMutablePointer<AVCodecContext>?
    private var resampler: OpaquePointer?
    private var fifo: OpaquePointer?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var samplesEncoded: Int64 = 0
    private var errors = DecodeErrorBudget(stream: "audio")
    /// Where the next decoded frame should start (source seconds), to fill
    /// gaps left by skipped packets with silence and keep audio in sync.
    private var expectedSeconds: Double?
    private let timeBase: Double
    let streamIndex: Int32

    init(stream: UnsafeMutablePointer<AVStream>, bitRate: Int) throws(TranscodeError) {
        streamIndex = stream.pointee.index
        timeBase = av_q2d(stream.pointee.time_base)
        frame = av_frame_alloc()
        packet = av_packet_alloc()
        guard let parameters = stream.pointee.codecpar else { throw .decoderFailed("the audio stream has no parameters") }
        guard let decoderCodec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw .decoderFailed("no decoder for \(String(cString: avcodec_get_name(parameters.pointee.codec_id)))")
        }
        decoder = avcodec_alloc_context3(decoderCodec)
        guard let decoder, avcodec_parameters_to_context(decoder, parameters) >= 0 else {
            throw .decoderFailed("the audio decoder could not be set up")
        }
        decoder.pointee.pkt_timebase = stream.pointee.time_base
        decoder.pointee.thread_count = 1
        let decoderOpened = avcodec_open2(decoder, decoderCodec, nil)
        guard decoderOpened >= 0 else { throw .decoderFailed("audio: \(LibAVCode.message(decoderOpened))") }

        guard let aac = avcodec_find_encoder(AV_CODEC_ID_AAC) else { throw .encoderFailed("no AAC encoder") }
        encoder = avcodec_alloc_context3(aac)
        guard let encoder else { throw .encoderFailed("no memory for the AAC encoder") }
        let sourceRate = Int32(parameters.pointee.sample_rate)
        encoder.pointee.sample_rate = sourceRate == 44_100 ? 44_100 : 48_000
        av_channel_layout_default(&encoder.pointee.ch_layout, 2)
        encoder.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        encoder.pointee.bit_rate = Int64(bitRate)
        encoder.pointee.time_base = AVRational(num: 1, den: encoder.pointee.sample_rate)
        encoder.pointee.flags |= reel_av_codec_flag_global_header()
        let encoderOpened = avcodec_open2(encoder, aac, nil)
        guard encoderOpened >= 0 else { throw .encoderFailed("aac: \(LibAVCode.message(encoderOpened))") }
        fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, 4096)
        guard fifo != nil, frame != nil, packet != nil else { throw .encoderFailed("out of memory") }
    }

    deinit {
        avcodec_free_context(&decoder)
        avcodec_free_context(&encoder)
        swr_free(&resampler)
        if let fifo { av_audio_fifo_free(fifo) }
        av_frame_free(&frame)
        av_packet_free(&packet)
    }

    /// Feeds one source packet (nil at end of file: drains everything).
    func feed(_ input: UnsafePointer<AVPacket>?,
              sink: (UnsafeMutablePointer<AVPacket>, AVRational) throws(TranscodeError) -> Void) throws(TranscodeError) {
        guard let decoder else { return }
        var sent = avcodec_send_packet(decoder, input)
        if sent == LibAVCode.again {  // output is pending: take it, then send again
            try receiveFrames(from: decoder, sink: sink)
            sent = avcodec_send_packet(decoder, input)
        }
        if sent < 0 && sent != LibAVCode.eof { try errors.failed(sent) }
        try receiveFrames(from: decoder, sink: sink)
        if input == nil {
            if errors.frames == 0 { throw .decoderFailed("no audio frame could be decoded") }
            try resample(nil)
            try encodeFromFIFO(flush: true, sink: sink)
        }
    }

    /// The encoder's output format, for the DASH manifest.
    var sampleRate: Int { Int(encoder?.pointee.sample_rate ?? 0) }
    var channels: Int { Int(encoder?.pointee.ch_layout.nb_channels ?? 0) }

    private func receiveFrames(from decoder: UnsafeMutablePointer<AVCodecContext>,
                               sink: (UnsafeMutablePointer<AVPacket>, AVRational) throws(TranscodeError) -> Void) throws(TranscodeError) {
        guard let frame else { return }
        while true {
            let received = avcodec_receive_frame(decoder, frame)
            if received == LibAVCode.again || received == LibAVCode.eof { break }
            guard received >= 0 else {
                try errors.failed(received)
                continue
            }
            errors.decoded()
            defer { av_frame_unref(frame) }
            fillGap(before: frame)
            try resample(frame)
            try encodeFromFIFO(flush: false, sink: sink)
        }
    }

    /// Adds silence for the time between the previous frame's end and this
    /// frame's start when packets were lost (a gap over 50 ms, up to 10 s;
    /// longer jumps are taken for broken timestamps and left alone).
    private func fillGap(before frame: UnsafeMutablePointer<AVFrame>) {
        let nopts = reel_av_nopts_value()
        let timestamp = frame.pointee.best_effort_timestamp != nopts ? frame.pointee.best_effort_timestamp : frame.pointee.pts
        guard timestamp != nopts, frame.pointee.sample_rate > 0 else {
            expectedSeconds = nil
            return
        }
        let start = Double(timestamp) * timeBase
        if let expected = expectedSeconds, let encoder, resampler != nil, start - expected > 0.05, start - expected <= 10 {
            _ = swr_inject_silence(resampler, Int32((start - expected) * Double(encoder.pointee.sample_rate)))
        }
        expectedSeconds = start + Double(frame.pointee.nb_samples) / Double(frame.pointee.sample_rate)
    }

    /// Converts `input` (nil: what the resampler still holds) into the FIFO.
    private func resample(_ input: UnsafeMutablePointer<AVFrame>?) throws(TranscodeError) {
        guard let encoder else { return }
        if resampler == nil {
            guard let input else { return }
            var inLayout = AVChannelLayout()
            if input.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || input.pointee.ch_layout.nb_channels == 0 {
                av_channel_layout_default(&inLayout, max(1, input.pointee.ch_layout.nb_channels))
            } else {
                av_channel_layout_copy(&inLayout, &input.pointee.ch_layout)
            }
            defer { av_channel_layout_uninit(&inLayout) }
            let made = swr_alloc_set_opts2(&resampler, &encoder.pointee.ch_layout, AV_SAMPLE_FMT_FLTP,
                                           encoder.pointee.sample_rate, &inLayout,
                                           AVSampleFormat(input.pointee.format), input.pointee.sample_rate, 0, nil)
            guard made >= 0, swr_init(resampler) >= 0 else { throw .encoderFailed("audio resampler setup failed") }
        }
        var output = av_frame_alloc()
        defer { av_frame_free(&output) }
        guard let output else { throw .encoderFailed("out of memory") }
        av_channel_layout_copy(&output.pointee.ch_layout, &encoder.pointee.ch_layout)
        output.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        output.pointee.sample_rate = encoder.pointee.sample_rate
        if input == nil {
            // Drain: swr_convert_frame needs a buffer for the tail.
            output.pointee.nb_samples = max(1, swr_get_out_samples(resampler, 0))
            guard av_frame_get_buffer(output, 0) >= 0 else { throw .encoderFailed("out of memory") }
        }
        let converted = swr_convert_frame(resampler, output, input)
        guard converted >= 0 else { throw .encoderFailed("audio resampling: \(LibAVCode.message(converted))") }
        guard output.pointee.nb_samples > 0 else { return }
        let planes = UnsafeMutableRawPointer(output.pointee.extended_data)
            .assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        guard av_audio_fifo_write(fifo, planes, output.pointee.nb_samples) >= 0 else {
            throw .encoderFailed("audio buffer: out of memory")
        }
    }

    private func encodeFromFIFO(flush: Bool,
                                sink: (UnsafeMutablePointer<AVPacket>, AVRational) throws(TranscodeError) -> Void) throws(TranscodeError) {
        guard let encoder else { return }
        let frameSize = max(encoder.pointee.frame_size, 1024)
        while av_audio_fifo_size(fifo) >= frameSize || (flush && av_audio_fifo_size(fifo) > 0) {
            var chunk = av_frame_alloc()
            defer { av_frame_free(&chunk) }
            guard let chunk else { throw .encoderFailed("out of memory") }
            chunk.pointee.nb_samples = min(frameSize, av_audio_fifo_size(fifo))
            av_channel_layout_copy(&chunk.pointee.ch_layout, &encoder.pointee.ch_layout)
            chunk.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            chunk.pointee.sample_rate = encoder.pointee.sample_rate
            guard av_frame_get_buffer(chunk, 0) >= 0 else { throw .encoderFailed("out of memory") }
            let planes = UnsafeMutableRawPointer(chunk.pointee.extended_data)
                .assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
            _ = av_audio_fifo_read(fifo, planes, chunk.pointee.nb_samples)
            chunk.pointee.pts = samplesEncoded
            samplesEncoded += Int64(chunk.pointee.nb_samples)
            try send(chunk, sink: sink)
        }
        if flush { try send(nil, sink: sink) }
    }

    private func send(_ chunk: UnsafeMutablePointer<AVFrame>?,
                      sink: (UnsafeMutablePointer<AVPacket>, AVRational) throws(TranscodeError) -> Void) throws(TranscodeError) {
        guard let encoder, let packet else { return }
        let sent = avcodec_send_frame(encoder, chunk)
        guard sent >= 0 || sent == LibAVCode.eof else { throw .encoderFailed("aac: \(LibAVCode.message(sent))") }
        while true {
            let received = avcodec_receive_packet(encoder, packet)
            if received == LibAVCode.again || received == LibAVCode.eof { return }
            guard received >= 0 else { throw .encoderFailed("aac: \(LibAVCode.message(received))") }
            defer { av_packet_unref(packet) }
            try sink(packet, encoder.pointee.time_base)
        }
    }
}
