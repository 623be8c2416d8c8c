import CLibAV

/// One rung: libswscale to the rung's size (from the source or a larger
/// rung's picture; none when the picture already has the rung's size), libx264, and an `HLSMuxer`
/// writing video-only CMAF (fMP4) segments to `<out>/<rung>/` (the audio
/// has a rendition of its own). Freed on deinit.
final class RungOutput {
    let rung: TranscodeRung
    /// RFC 6381 codec of the rung's track, e.g. `avc1.64001f`.
    private(set) var codecs = ""
    private var encoder: UnsafeMutablePointer<AVCodecContext>?
    private var scaler: OpaquePointer?
    /// The scaled pictures' buffers, made on the first scaled frame.
    private var pool: FramePool?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var muxer: HLSMuxer?
    /// The scaler's output size: the rung in the source's stored orientation.
    private let codedWidth: Int32, codedHeight: Int32
    private let rotation: Int
    /// Whether only the IDRs forced on the segment grid go to the muxer as
    /// keyframes (`SegmentGrid`), and the pts of those not muxed yet.
    private var cutsOnlyOnGrid = false
    private var gridKeyframes: Set<Int64> = []

    struct Settings {
        var preset: String
        var timeBase: AVRational
        var frameRate: AVRational
        /// Clockwise degrees (0, 90, 180, 270) the source is shown turned by;
        /// frames are scaled in stored orientation, then turned upright.
        var rotation: Int
        /// libx264's thread_count (0: x264's own choice).
        var threads: Int
        var grid: SegmentGrid
    }

    init(rung: TranscodeRung, directory: String, settings: Settings, interrupt: Interrupt) throws(TranscodeError) {
        self.rung = rung
        rotation = settings.rotation
        codedWidth = Int32(rotation % 180 == 90 ? rung.height : rung.width)
        codedHeight = Int32(rotation % 180 == 90 ? rung.width : rung.height)
        packet = av_packet_alloc()

        guard let x264 = avcodec_find_encoder_by_name("libx264") else { throw .encoderFailed("libx264 is not available") }
        encoder = avcodec_alloc_context3(x264)
        guard let encoder, packet != nil else { throw .encoderFailed("out of memory") }
        let fps = av_q2d(settings.frameRate)
        let gop = Int32(max(1, (2 * fps).rounded()))  // a keyframe every 2 s, closed GOPs
        encoder.pointee.width = Int32(rung.width)
        encoder.pointee.height = Int32(rung.height)
        encoder.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        encoder.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        encoder.pointee.time_base = settings.timeBase
        encoder.pointee.framerate = settings.frameRate
        encoder.pointee.gop_size = gop
        encoder.pointee.keyint_min = gop
        encoder.pointee.bit_rate = Int64(rung.videoBitRate)
        encoder.pointee.rc_max_rate = Int64(rung.videoBitRate)
        encoder.pointee.rc_buffer_size = Int32(clamping: 2 * rung.videoBitRate)
        encoder.pointee.thread_count = Int32(clamping: max(0, settings.threads))
        encoder.pointee.flags |= reel_av_codec_flag_global_header()
        let options = LibAVOptions([
            "preset": settings.preset,
            "profile": "high",
            "x264-params": "scenecut=0:open-gop=0",
            "forced-idr": "1",
        ])
        let opened = avcodec_open2(encoder, x264, &options.dictionary)
        guard opened >= 0 else { throw .encoderFailed("libx264 (\(rung.name)): \(LibAVCode.message(opened))") }
        codecs = CodecString.avc1(extradata: encoder.pointee.extradata, size: Int(encoder.pointee.extradata_size),
                                  profile: encoder.pointee.profile, level: encoder.pointee.level)
        muxer = try HLSMuxer(directory: directory, label: rung.name, video: encoder, frameRate: settings.frameRate,
                             audio: nil, segmentSeconds: settings.grid.muxerSeconds, interrupt: interrupt)
        cutsOnlyOnGrid = settings.grid.cutsOnlyOnGrid
    }

    deinit {
        avcodec_free_context(&encoder)
        sws_freeContext(scaler)
        av_packet_free(&packet)
    }

    /// Encodes one picture of the ladder (the decoded frame, or the picture
    /// of a larger rung when this rung is scaled from it), its pts already in
    /// the encoder's time base (starting at 0); `keyframe` forces an IDR
    /// (segment boundary). `forward` gets this rung's own picture in stored
    /// orientation before it is encoded, for smaller rungs to scale from
    /// (valid during the call; take a reference to keep it). A picture that
    /// already has the rung's size and format is encoded as it is, without
    /// libswscale (the CLI's scale filter passes such frames on too).
    func encode(_ source: UnsafeMutablePointer<AVFrame>, keyframe: Bool,
                forward: (UnsafeMutablePointer<AVFrame>) throws(TranscodeError) -> Void) throws(TranscodeError) {
        guard encoder != nil else { return }
        let pictType = keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        if keyframe && cutsOnlyOnGrid { gridKeyframes.insert(source.pointee.pts) }
        if source.pointee.width == codedWidth && source.pointee.height == codedHeight
            && source.pointee.format == AV_PIX_FMT_YUV420P.rawValue {
            // The frame is this thread's own reference: its fields are ours to set.
            source.pointee.pict_type = pictType
            try forward(source)
            return try sendUpright(source)
        }
        // Cached: a new scaler only when the input size or format changes mid-stream.
        scaler = sws_getCachedContext(scaler, source.pointee.width, source.pointee.height,
                                      AVPixelFormat(source.pointee.format), codedWidth, codedHeight,
                                      AV_PIX_FMT_YUV420P, Int32(SWS_BICUBIC), nil, nil, nil)
        guard scaler != nil else { throw .encoderFailed("no scaler for this picture format") }
        if pool == nil { pool = try FramePool(width: codedWidth, height: codedHeight, format: AV_PIX_FMT_YUV420P) }
        guard let pool else { return }
        var scaled: UnsafeMutablePointer<AVFrame>? = try pool.frame()
        defer { av_frame_free(&scaled) }
        guard let scaled else { return }
        let result = sws_scale_frame(scaler, scaled, source)
        guard result >= 0 else { throw .encoderFailed("scaling (\(rung.name)): \(LibAVCode.message(result))") }
        scaled.pointee.pts = source.pointee.pts
        scaled.pointee.pict_type = pictType
        try forward(scaled)
        try sendUpright(scaled)
    }

    /// Sends a picture in stored orientation to the encoder, turned upright first if the source is rotated.
    private func sendUpright(_ picture: UnsafeMutablePointer<AVFrame>) throws(TranscodeError) {
        guard rotation != 0 else { return try send(picture) }
        var upright: UnsafeMutablePointer<AVFrame>? = try FrameRotation.rotated(picture, degrees: rotation)
        defer { av_frame_free(&upright) }
        try send(upright)
    }

    /// Flushes the encoder and closes the playlist (#EXT-X-ENDLIST).
    func finish() throws(TranscodeError) {
        try send(nil)
        try muxer?.finish()
    }

    private func send(_ frame: UnsafeMutablePointer<AVFrame>?) throws(TranscodeError) {
        guard let encoder, let packet else { return }
        let sent = avcodec_send_frame(encoder, frame)
        guard sent >= 0 || sent == LibAVCode.eof else { throw .encoderFailed("libx264 (\(rung.name)): \(LibAVCode.message(sent))") }
        while true {
            let received = avcodec_receive_packet(encoder, packet)
            if received == LibAVCode.again || received == LibAVCode.eof { return }
            guard received >= 0 else { throw .encoderFailed("libx264 (\(rung.name)): \(LibAVCode.message(received))") }
            if cutsOnlyOnGrid && packet.pointee.flags & AV_PKT_FLAG_KEY != 0
                && gridKeyframes.remove(packet.pointee.pts) == nil {
                packet.pointee.flags &= ~AV_PKT_FLAG_KEY  // an IDR inside a segment: not a cut point
            }
            try muxer?.writeVideo(packet, timeBase: encoder.pointee.time_base)
        }
    }
}
