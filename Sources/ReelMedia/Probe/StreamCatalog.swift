import CLibAV

/// The video and audio streams of an open input, as ReelMedia reports them,
/// and the choice of the main stream (the one whose first frame is decoded).
struct StreamCatalog {
    var video: [VideoStreamInfo] = []
    var audio: [AudioStreamInfo] = []
    /// Container index of the main video stream, else of the main audio
    /// stream when `MediaPolicy.acceptsAudioOnly`; nil if there is neither.
    var mainStreamIndex: Int?
    /// Container indexes of the best video stream (cover art never counts)
    /// and of the best audio stream, if any.
    var mainVideoIndex: Int?
    var mainAudioIndex: Int?

    init(_ input: InputFile) {
        self.init(streams: input.streams)
    }

    init(streams: UnsafeBufferPointer<UnsafeMutablePointer<AVStream>?>) {
        var videoRanks: [(rank: [Int], index: Int)] = []
        var audioRanks: [(rank: [Int], index: Int)] = []
        for (index, stream) in streams.enumerated() {
            guard let stream, let parameters = stream.pointee.codecpar?.pointee else { continue }
            let hasDecoder = avcodec_find_decoder(parameters.codec_id) != nil ? 1 : 0
            let isDefault = stream.pointee.disposition & AV_DISPOSITION_DEFAULT != 0 ? 1 : 0
            switch parameters.codec_type {
            case AVMEDIA_TYPE_VIDEO where stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0:
                let info = Self.videoInfo(index: index, stream: stream, parameters: parameters)
                video.append(info)
                videoRanks.append(([hasDecoder, isDefault, info.width * info.height, -index], index))
            case AVMEDIA_TYPE_AUDIO:
                let info = Self.audioInfo(index: index, stream: stream.pointee, parameters: parameters)
                audio.append(info)
                audioRanks.append(([hasDecoder, isDefault, info.channels, -index], index))
            default:
                continue
            }
        }
        let best = { (ranks: [(rank: [Int], index: Int)]) in
            ranks.max { $0.rank.lexicographicallyPrecedes($1.rank) }?.index
        }
        mainVideoIndex = best(videoRanks)
        mainAudioIndex = best(audioRanks)
        mainStreamIndex = mainVideoIndex ?? (MediaPolicy.acceptsAudioOnly ? mainAudioIndex : nil)
    }

    private static func videoInfo(index: Int, stream pointer: UnsafeMutablePointer<AVStream>,
                                  parameters: AVCodecParameters) -> VideoStreamInfo {
        let stream = pointer.pointee
        return VideoStreamInfo(
            index: index,
            codecName: codecName(parameters.codec_id),
            width: Int(parameters.width),
            height: Int(parameters.height),
            frameRate: rational(stream.avg_frame_rate) ?? rational(stream.r_frame_rate),
            pixelFormat: av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)).map { String(cString: $0) },
            rotation: rotation(of: pointer),
            bitRate: parameters.bit_rate > 0 ? parameters.bit_rate : nil,
            durationSeconds: seconds(stream.duration, stream.time_base))
    }

    private static func audioInfo(index: Int, stream: AVStream, parameters: AVCodecParameters) -> AudioStreamInfo {
        var layout = parameters.ch_layout
        var description = [CChar](repeating: 0, count: 64)
        let described = av_channel_layout_describe(&layout, &description, description.count)
        return AudioStreamInfo(
            index: index,
            codecName: codecName(parameters.codec_id),
            sampleRate: Int(parameters.sample_rate),
            channels: Int(layout.nb_channels),
            channelLayout: described > 0 && layout.nb_channels > 0
                ? String(decoding: description.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                : nil,
            sampleFormat: av_get_sample_fmt_name(AVSampleFormat(rawValue: parameters.format)).map { String(cString: $0) },
            bitRate: parameters.bit_rate > 0 ? parameters.bit_rate : nil,
            durationSeconds: seconds(stream.duration, stream.time_base))
    }

    static func codecName(_ id: AVCodecID) -> String {
        id == AV_CODEC_ID_NONE ? "unknown" : String(cString: avcodec_get_name(id))
    }

    private static func rational(_ value: AVRational) -> MediaRational? {
        value.num > 0 && value.den > 0 ? MediaRational(value.num, value.den) : nil
    }

    private static func seconds(_ timestamp: Int64, _ timeBase: AVRational) -> Double? {
        guard timestamp != reel_av_nopts_value(), timestamp >= 0, timeBase.den > 0 else { return nil }
        return Double(timestamp) * Double(timeBase.num) / Double(timeBase.den)
    }

    /// Clockwise degrees, rounded to a quarter turn, from the display matrix.
    /// av_display_rotation_get answers counter-clockwise, hence the minus (the
    /// ffmpeg tool's autorotate reads it the same way).
    static func rotation(of stream: UnsafePointer<AVStream>) -> Int {
        guard let matrix = reel_av_stream_display_matrix(stream) else { return 0 }
        return clockwiseQuarterTurns(counterClockwiseDegrees: av_display_rotation_get(matrix))
    }

    static func clockwiseQuarterTurns(counterClockwiseDegrees degrees: Double) -> Int {
        guard degrees.isFinite else { return 0 }
        let quarterTurns = Int((-degrees / 90).rounded())
        return ((quarterTurns % 4) + 4) % 4 * 90
    }
}
