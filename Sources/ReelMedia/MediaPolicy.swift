/// Which files Reel accepts, decided here and nowhere else. `MediaProbe`
/// applies these rules; a `MediaInfo` it returns already passed them.
///
/// - A file is a **video** when it has at least one video stream (cover art
///   does not count) whose first frame decodes.
/// - **Audio-only files are accepted** (`acceptsAudioOnly`) when their first
///   audio frame decodes; the transcoder makes them audio renditions.
/// - A file with video whose codec cannot be decoded is refused
///   (`unsupportedCodec`), even if its audio could be: it is not silently
///   demoted to an audio upload.
/// - **No minimum size**: a 1×1 video is playable, so the probe accepts it;
///   size limits, if any, belong to the upload rules, not to "can we read it".
/// - Formats are detected from the bytes, never from the file name; still
///   images and formats that make libav open other files or URLs are refused.
/// - Detection must be **confident**: a probe score of at least
///   `minimumProbeScore` (25 of 100, libav's AVPROBE_SCORE_RETRY: below it
///   libav itself reads more before deciding, and takes anything above 0
///   only because the file ended). Real files score far higher (MP4,
///   Matroska, WAV, Ogg 100; MP3 and ADTS with a few frames 51); a text file
///   with two bytes that look like an MP3 frame header scores 1.
/// - A file is **truncated** when its last packet ends more than
///   `truncationTolerance` before the duration its header declares, or when
///   reading its packets stops with an error other than end-of-file before
///   that point (an error after all the declared media was read, e.g. junk
///   appended to a whole file, is ignored). A cut MP4 whose index survived
///   reads as end-of-file at the cut, so the duration rule is what catches it.
public enum MediaPolicy {
    public static let acceptsAudioOnly = true

    /// The lowest `av_probe_input_buffer2` score accepted (AVPROBE_SCORE_RETRY).
    public static let minimumProbeScore: Int32 = 25

    /// True when `info` has a decodable video stream (false: audio only).
    public static func isPlayableVideo(_ info: MediaInfo) -> Bool {
        info.mainVideoStream != nil
    }

    /// True for every `MediaInfo` the probe returns: a playable video, or
    /// audio when audio-only files are accepted.
    public static func isAcceptable(_ info: MediaInfo) -> Bool {
        isPlayableVideo(info)
            || (acceptsAudioOnly && info.audioStreams.contains { $0.index == info.decodedStreamIndex })
    }

    /// Demuxers that read other files or URLs named inside the upload
    /// (playlists, concat lists, session descriptions).
    static let refusedFormats: Set<String> = ["hls", "dash", "concat", "imf", "sdp", "rtsp", "rtp", "tee"]

    /// Why a detected format is refused, or nil if it is accepted. `name` is
    /// libav's (possibly comma-separated) demuxer name.
    static func refusal(ofFormat name: String) -> String? {
        let names = name.split(separator: ",").map(String.init)
        if names.contains(where: refusedFormats.contains) {
            return "\(name) files refer to other files"
        }
        // image2pipe demuxers: png_pipe, jpeg_pipe, webp_pipe, ...
        if let image = names.first(where: { $0.hasSuffix("_pipe") }) {
            return "it is a still image (\(image.dropLast("_pipe".count)))"
        }
        return nil
    }

    /// How far before the declared duration the data may end without the file
    /// counting as truncated: streams rarely end together, and the last
    /// packet's duration is not always known.
    static func truncationTolerance(declaredDuration: Double) -> Double {
        0.5 + 0.01 * declaredDuration
    }
}

extension MediaInfo {
    /// See `MediaPolicy.isPlayableVideo`.
    public var isPlayableVideo: Bool { MediaPolicy.isPlayableVideo(self) }
}
