/// What `MediaProbe.probe(path:)` found in a file whose first frame decoded.
public struct MediaInfo: Sendable, Equatable {
    /// libav's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm".
    public var formatName: String
    /// The container's duration or, if it declares none (or only estimates it
    /// from the bit rate), where its last packet ends.
    public var durationSeconds: Double
    /// The container's overall bit rate in bit/s, if known.
    public var bitRate: Int64?
    /// Real video streams in container order; cover art (attached pictures)
    /// is not listed.
    public var videoStreams: [VideoStreamInfo]
    public var audioStreams: [AudioStreamInfo]
    /// The container index of the stream whose first frame was decoded: the
    /// main video stream, or the main audio stream of an audio-only file.
    public var decodedStreamIndex: Int

    public init(formatName: String, durationSeconds: Double, bitRate: Int64?,
                videoStreams: [VideoStreamInfo], audioStreams: [AudioStreamInfo],
                decodedStreamIndex: Int) {
        self.formatName = formatName
        self.durationSeconds = durationSeconds
        self.bitRate = bitRate
        self.videoStreams = videoStreams
        self.audioStreams = audioStreams
        self.decodedStreamIndex = decodedStreamIndex
    }

    /// The decoded video stream, if the file has video.
    public var mainVideoStream: VideoStreamInfo? {
        videoStreams.first { $0.index == decodedStreamIndex }
    }
}

/// A rational number as libav keeps it (frame rates, time bases).
public struct MediaRational: Sendable, Hashable {
    public var numerator: Int32
    public var denominator: Int32

    public init(_ numerator: Int32, _ denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var doubleValue: Double { Double(numerator) / Double(denominator) }
}

public struct VideoStreamInfo: Sendable, Equatable {
    /// Index of the stream in the container.
    public var index: Int
    /// libav's codec name: "h264", "hevc", "vp9", "av1", ...
    public var codecName: String
    /// Coded picture size, before rotation.
    public var width: Int
    public var height: Int
    /// Average frame rate (e.g. 25/1, 30000/1001), if known.
    public var frameRate: MediaRational?
    /// libav's pixel format name, e.g. "yuv420p".
    public var pixelFormat: String?
    /// Clockwise degrees (0, 90, 180 or 270) a player turns the decoded
    /// picture, from the stream's display matrix (phones record portrait video
    /// as landscape pictures plus a rotation).
    public var rotation: Int
    public var bitRate: Int64?
    public var durationSeconds: Double?

    public init(index: Int, codecName: String, width: Int, height: Int, frameRate: MediaRational?,
                pixelFormat: String?, rotation: Int, bitRate: Int64?, durationSeconds: Double?) {
        self.index = index
        self.codecName = codecName
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.pixelFormat = pixelFormat
        self.rotation = rotation
        self.bitRate = bitRate
        self.durationSeconds = durationSeconds
    }

    /// The size as displayed, after rotation.
    public var displayWidth: Int { rotation % 180 == 90 ? height : width }
    public var displayHeight: Int { rotation % 180 == 90 ? width : height }
    public var isPortrait: Bool { displayHeight > displayWidth }
}

public struct AudioStreamInfo: Sendable, Equatable {
    public var index: Int
    /// libav's codec name: "aac", "opus", "mp3", ...
    public var codecName: String
    public var sampleRate: Int
    public var channels: Int
    /// e.g. "mono", "stereo", "5.1".
    public var channelLayout: String?
    /// libav's sample format name, e.g. "fltp".
    public var sampleFormat: String?
    public var bitRate: Int64?
    public var durationSeconds: Double?

    public init(index: Int, codecName: String, sampleRate: Int, channels: Int, channelLayout: String?,
                sampleFormat: String?, bitRate: Int64?, durationSeconds: Double?) {
        self.index = index
        self.codecName = codecName
        self.sampleRate = sampleRate
        self.channels = channels
        self.channelLayout = channelLayout
        self.sampleFormat = sampleFormat
        self.bitRate = bitRate
        self.durationSeconds = durationSeconds
    }
}
