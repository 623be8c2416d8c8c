/// Why a transcode failed, with a reason a person can read.
public enum TranscodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source could not be opened or read.
    case unreadableSource(String)
    /// The source has no video stream (audio-only sources are not supported yet).
    case noVideoStream
    /// No decoder, or the decoder refused the stream.
    case decoderFailed(String)
    /// An encoder (libx264, aac, mjpeg) could not be set up or failed.
    case encoderFailed(String)
    /// The HLS muxer or the output files failed.
    case outputFailed(String)

    public var description: String {
        switch self {
        case .unreadableSource(let reason): "the source cannot be read: \(reason)"
        case .noVideoStream: "the source has no video stream (audio-only sources are not supported)"
        case .decoderFailed(let reason): "decoding failed: \(reason)"
        case .encoderFailed(let reason): "encoding failed: \(reason)"
        case .outputFailed(let reason): "writing the output failed: \(reason)"
        }
    }
}

/// A finished transcode: where things are and what was made.
public struct TranscodeResult: Sendable, Equatable {
    /// `<out>/master.m3u8`.
    public var masterPlaylistPath: String
    public var renditions: [Rendition]
    /// `<out>/poster.jpg`, or nil if no poster was made.
    public var posterPath: String?
    public var durationSeconds: Double

    public struct Rendition: Sendable, Equatable {
        public var rung: TranscodeRung
        /// `<out>/<rung>/index.m3u8`.
        public var playlistPath: String
        /// RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2`.
        public var codecs: String
        /// Peak bandwidth announced in the master playlist (bits per second).
        public var bandwidth: Int
    }
}
