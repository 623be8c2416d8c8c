import CLibAV
import Foundation

/// Encodes one decoded frame as a JPEG file (libavcodec's mjpeg encoder),
/// scaled and turned upright. Used for the poster and the thumbnails.
enum JPEGWriter {
    /// Writes `frame` at `width`×`height` display pixels (even, at least 2),
    /// turned upright by `rotation` degrees clockwise; replaces `path`
    /// atomically (temporary file and rename).
    static func write(_ frame: UnsafeMutablePointer<AVFrame>, width: Int, height: Int, rotation: Int,
                      to path: String) throws(TranscodeError) {
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
        let quarter = rotation % 180 == 90
        // Scaled in the stored orientation, then turned.
        let storedWidth = Int32(quarter ? height : width), storedHeight = Int32(quarter ? width : height)
        encoder.pointee.width = Int32(width)
        encoder.pointee.height = Int32(height)
        encoder.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        encoder.pointee.time_base = AVRational(num: 1, den: 25)
        encoder.pointee.thread_count = 1
        encoder.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
        encoder.pointee.global_quality = Int32(FF_QP2LAMBDA) * 3
        guard avcodec_open2(encoder, codec, nil) >= 0 else { throw .encoderFailed("the mjpeg encoder refused \(path)") }
        scaler = sws_getContext(frame.pointee.width, frame.pointee.height, AVPixelFormat(frame.pointee.format),
                                storedWidth, storedHeight, AV_PIX_FMT_YUVJ420P, Int32(SWS_BICUBIC), nil, nil, nil)
        scaled.pointee.width = storedWidth
        scaled.pointee.height = storedHeight
        scaled.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        guard scaler != nil, av_frame_get_buffer(scaled, 0) >= 0, sws_scale_frame(scaler, scaled, frame) >= 0 else {
            throw .encoderFailed("cannot scale the picture for \(path)")
        }
        scaled.pointee.pts = 0
        var upright: UnsafeMutablePointer<AVFrame>? = rotation == 0 ? nil : try FrameRotation.rotated(scaled, degrees: rotation)
        defer { av_frame_free(&upright) }
        guard avcodec_send_frame(encoder, upright ?? scaled) >= 0, avcodec_send_frame(encoder, nil) >= 0,
              avcodec_receive_packet(encoder, packet) >= 0, let data = packet.pointee.data else {
            throw .encoderFailed("the mjpeg encoder failed for \(path)")
        }
        try AtomicFile.write(Data(bytes: data, count: Int(packet.pointee.size)), to: path)
    }

    /// The display size of a picture `maxWidth` wide at most (never wider than
    /// the source), keeping the aspect ratio of `width`×`height`; even, ≥ 2.
    static func fitted(width: Int, height: Int, maxWidth: Int) -> (width: Int, height: Int) {
        let sourceWidth = max(width, 1), sourceHeight = max(height, 1)
        let fittedWidth = max(2, min(maxWidth, sourceWidth) & ~1)
        let fittedHeight = TranscodeLadder.even(Double(sourceHeight) * Double(fittedWidth) / Double(sourceWidth))
        return (fittedWidth, fittedHeight)
    }
}
