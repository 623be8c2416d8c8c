import CLibAV

/// Keeps the first decoded frame at or after `atSeconds` (~10% of the
/// duration) and encodes it as a JPEG (libavcodec's mjpeg encoder).
final class PosterGrabber {
    private let atSeconds: Double
    private(set) var frame: UnsafeMutablePointer<AVFrame>?

    init(atSeconds: Double) {
        self.atSeconds = atSeconds
    }

    deinit {
        av_frame_free(&frame)
    }

    func offer(_ candidate: UnsafeMutablePointer<AVFrame>, seconds: Double) {
        guard frame == nil, seconds >= atSeconds else { return }
        frame = av_frame_clone(candidate)
    }

    /// Writes `frame` at its stored size, turned upright by `rotation` degrees clockwise.
    static func writeJPEG(_ frame: UnsafeMutablePointer<AVFrame>, rotation: Int, to path: String) throws(TranscodeError) {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else { throw .encoderFailed("no mjpeg encoder") }
        var encoder = avcodec_alloc_context3(codec)
        var scaled = av_frame_alloc()
        var packet = av_packet_alloc()
        var scaler: OpaquePointer?
        defer {
            avcodec_free_context(&encoder)
            av_frame_free(&scaled)
            av_packet_free(&packet)
            sws_freeContext(scaler)
        }
        guard let encoder, let scaled, let packet else { throw .encoderFailed("out of memory") }
        let width = frame.pointee.width & ~1, height = frame.pointee.height & ~1
        encoder.pointee.width = rotation % 180 == 90 ? height : width
        encoder.pointee.height = rotation % 180 == 90 ? width : height
        encoder.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        encoder.pointee.time_base = AVRational(num: 1, den: 25)
        encoder.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
        encoder.pointee.global_quality = Int32(FF_QP2LAMBDA) * 3
        guard avcodec_open2(encoder, codec, nil) >= 0 else { throw .encoderFailed("the mjpeg encoder refused the poster") }
        scaler = sws_getContext(frame.pointee.width, frame.pointee.height, AVPixelFormat(frame.pointee.format),
                                width, height, AV_PIX_FMT_YUVJ420P, Int32(SWS_BICUBIC), nil, nil, nil)
        scaled.pointee.width = width
        scaled.pointee.height = height
        scaled.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        guard scaler != nil, av_frame_get_buffer(scaled, 0) >= 0, sws_scale_frame(scaler, scaled, frame) >= 0 else {
            throw .encoderFailed("cannot scale the poster frame")
        }
        scaled.pointee.pts = 0
        var upright: UnsafeMutablePointer<AVFrame>? = rotation == 0 ? nil : try FrameRotation.rotated(scaled, degrees: rotation)
        defer { av_frame_free(&upright) }
        guard avcodec_send_frame(encoder, upright ?? scaled) >= 0, avcodec_send_frame(encoder, nil) >= 0,
              avcodec_receive_packet(encoder, packet) >= 0 else {
            throw .encoderFailed("the mjpeg encoder failed")
        }
        guard let file = fopen(path, "wb") else { throw .outputFailed("cannot create \(path)") }
        let written = fwrite(packet.pointee.data, 1, Int(packet.pointee.size), file)
        guard fclose(file) == 0, written == Int(packet.pointee.size) else { throw .outputFailed("cannot write \(path)") }
    }
}
