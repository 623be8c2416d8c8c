import CLibAV

/// Decodes one stream until its first frame comes out: proof that the file
/// is more than a parseable header. Single-threaded; used by one thread.
final class FirstFrameDecoder {
    let streamIndex: Int32
    let codecName: String
    private let maxPackets: Int
    private var context: UnsafeMutablePointer<AVCodecContext>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private(set) var gotFrame = false
    private(set) var packetsSent = 0
    /// The last error the decoder reported, if any.
    private(set) var lastError: Int32?

    init(stream: UnsafeMutablePointer<AVStream>, maxPackets: Int) throws(MediaProbeError) {
        streamIndex = stream.pointee.index
        self.maxPackets = maxPackets
        let parameters = stream.pointee.codecpar!
        codecName = StreamCatalog.codecName(parameters.pointee.codec_id)
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw .unsupportedCodec(codecName)
        }
        context = avcodec_alloc_context3(codec)
        frame = av_frame_alloc()
        guard let context, frame != nil, avcodec_parameters_to_context(context, parameters) >= 0 else {
            throw .damaged("the \(codecName) decoder could not be set up")
        }
        context.pointee.thread_count = 1
        context.pointee.pkt_timebase = stream.pointee.time_base
        let opened = avcodec_open2(context, codec, nil)
        guard opened >= 0 else {
            throw .damaged("the \(codecName) decoder refused the stream (\(LibAVCode.message(opened)))")
        }
    }

    deinit {
        avcodec_free_context(&context)
        av_frame_free(&frame)
    }

    /// True once a frame came out or after `maxPackets` packets without one.
    var isDone: Bool { gotFrame || packetsSent >= maxPackets }

    /// Feeds one packet of the stream, or nil at end of file to drain the
    /// decoder, then collects any frame it has ready.
    func feed(_ packet: UnsafePointer<AVPacket>?) {
        guard !isDone, let context else { return }
        packetsSent += 1
        var sent = avcodec_send_packet(context, packet)
        if sent == LibAVCode.again {  // output is pending: take it, then resend
            receive()
            sent = gotFrame ? 0 : avcodec_send_packet(context, packet)
        }
        if sent < 0 && sent != LibAVCode.eof { lastError = sent }
        receive()
    }

    private func receive() {
        guard let context, let frame else { return }
        while !gotFrame {
            let received = avcodec_receive_frame(context, frame)
            if received == LibAVCode.again || received == LibAVCode.eof { return }
            if received < 0 {
                lastError = received
                return
            }
            gotFrame = true
            av_frame_unref(frame)
        }
    }

    /// Why no frame came out, for `MediaProbeError.damaged`.
    var failureDetail: String {
        let what = "the first frame of its \(codecName) stream could not be decoded"
        guard let lastError else { return what }
        return "\(what) (\(LibAVCode.message(lastError)))"
    }
}
