/// Why a transcode failed, with a reason a person can read.
public enum TranscodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source could not be opened or read.
    case unreadableSource(String)
    /// The source has neither a video nor an audio stream. (The name is
    /// older than audio-only support: audio-only sources now transcode.)
    case noVideoStream
    /// No decoder, or the decoder refused the stream.
    case decoderFailed(String)
    /// An encoder (libx264, aac, mjpeg) could not be set up or failed.
    case encoderFailed(String)
    /// The HLS muxer or the output files failed.
    case outputFailed(String)
    /// `TranscodeCancellation.cancel()` was called.
    case cancelled

    public var description: String {
        switch self {
        case .unreadableSource(let reason): "the source cannot be read: \(reason)"
        case .noVideoStream: "the source has no audio or video stream"
        case .decoderFailed(let reason): "decoding failed: \(reason)"
        case .encoderFailed(let reason): "encoding failed: \(reason)"
        case .outputFailed(let reason): "writing the output failed: \(reason)"
        case .cancelled: "the transcode was cancelled"
        }
    }

    /// True when the source itself is the problem (unreadable, no streams, a
    /// decoder failure): running the same job again fails again. False for
    /// encoder and output failures and for cancellation, which may pass on
    /// a retry.
    public var isPermanent: Bool {
        switch self {
        case .unreadableSource, .noVideoStream, .decoderFailed: true
        case .encoderFailed, .outputFailed, .cancelled: false
        }
    }
}
