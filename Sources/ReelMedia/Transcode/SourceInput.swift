import CLibAV

/// The source file opened for transcoding: one demuxer, the video decoder
/// and the audio stream (if any). Freed on deinit; used by one thread.
final class SourceInput {
    private(set) var format: UnsafeMutablePointer<AVFormatContext>?
    private(set) var videoDecoder: UnsafeMutablePointer<AVCodecContext>?
    let videoStream: UnsafeMutablePointer<AVStream>
    let audioStream: UnsafeMutablePointer<AVStream>?
    let rotation: Int
    let frameRate: AVRational
    let durationSeconds: Double

    init(path: String) throws(TranscodeError) {
        var context: UnsafeMutablePointer<AVFormatContext>?
        let options = LibAVOptions(["protocol_whitelist": "file"])
        let opened = avformat_open_input(&context, path, nil, &options.dictionary)
        guard opened >= 0, let context else { throw .unreadableSource(LibAVCode.message(opened)) }
        format = context
        let info = avformat_find_stream_info(context, nil)
        guard info >= 0 else { throw .unreadableSource(LibAVCode.message(info)) }

        let videoIndex = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard videoIndex >= 0, let video = context.pointee.streams[Int(videoIndex)] else { throw .noVideoStream }
        videoStream = video
        let audioIndex = av_find_best_stream(context, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        audioStream = audioIndex >= 0 ? context.pointee.streams[Int(audioIndex)] : nil
        rotation = StreamCatalog.rotation(of: video)

        let average = video.pointee.avg_frame_rate, real = video.pointee.r_frame_rate
        frameRate = average.num > 0 && average.den > 0 ? average
            : real.num > 0 && real.den > 0 ? real : AVRational(num: 25, den: 1)
        if context.pointee.duration > 0 {
            durationSeconds = Double(context.pointee.duration) / Double(AV_TIME_BASE)
        } else if video.pointee.duration > 0 {
            durationSeconds = Double(video.pointee.duration) * av_q2d(video.pointee.time_base)
        } else {
            durationSeconds = 0
        }

        let parameters = video.pointee.codecpar!
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw .decoderFailed("no decoder for \(String(cString: avcodec_get_name(parameters.pointee.codec_id)))")
        }
        videoDecoder = avcodec_alloc_context3(codec)
        guard let decoder = videoDecoder, avcodec_parameters_to_context(decoder, parameters) >= 0 else {
            throw .decoderFailed("the video decoder could not be set up")
        }
        decoder.pointee.pkt_timebase = video.pointee.time_base
        decoder.pointee.thread_count = 0
        let decoderOpened = avcodec_open2(decoder, codec, nil)
        guard decoderOpened >= 0 else { throw .decoderFailed(LibAVCode.message(decoderOpened)) }
    }

    deinit {
        avcodec_free_context(&videoDecoder)
        avformat_close_input(&format)
    }
}
