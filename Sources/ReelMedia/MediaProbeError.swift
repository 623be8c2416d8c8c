/// Why a file cannot be used, in words an uploader can act on (`reason`).
public enum MediaProbeError: Error, Sendable, Equatable {
    /// The file could not be opened or is not a regular file.
    case unreadable(String)
    case emptyFile
    /// No demuxer recognised the contents (text, random bytes, ...). The
    /// file's name is ignored: detection looks at the bytes only.
    case unrecognizedFormat
    /// A demuxer recognised the contents only with a score below
    /// `MediaPolicy.minimumProbeScore` (libav's name and score out of 100):
    /// a guess, e.g. a text file with two bytes that look like an MP3 frame.
    case uncertainFormat(String, score: Int32)
    /// A recognised format ReelMedia refuses (see `MediaPolicy`): still
    /// images, and playlists that would make libav open other files.
    case refusedFormat(String)
    /// The data stops early: a cut-off upload. The detail says what is missing.
    case truncated(String)
    /// The data is there but cannot be read or decoded.
    case damaged(String)
    /// Neither a video stream nor (see `MediaPolicy`) an audio stream.
    case noPlayableStream
    /// The main stream's codec has no decoder here (libav's codec name).
    case unsupportedCodec(String)
    /// Reading took longer than `MediaProbeLimits.timeout`.
    case timedOut(seconds: Double)
    /// The calling task was cancelled.
    case cancelled

    public var reason: String {
        switch self {
        case .unreadable(let detail):
            "the file could not be read: \(detail)"
        case .emptyFile:
            "the file is empty"
        case .unrecognizedFormat:
            "the file is not a video or audio file we can read (format could not be detected)"
        case .uncertainFormat(let name, let score):
            "the file is not a video or audio file we can read (it only faintly resembles \(name): "
                + "confidence \(score) of 100)"
        case .refusedFormat(let detail):
            "the file is not a video or audio file we accept (\(detail))"
        case .truncated(let detail):
            "the file looks truncated: \(detail)"
        case .damaged(let detail):
            "the file is damaged: \(detail)"
        case .noPlayableStream:
            "no playable video or audio stream"
        case .unsupportedCodec(let codec):
            "codec \(codec) is not supported"
        case .timedOut(let seconds):
            "the file took longer than \(Int(seconds.rounded())) s to read"
        case .cancelled:
            "the check was cancelled"
        }
    }
}

extension MediaProbeError: CustomStringConvertible {
    public var description: String { reason }
}
