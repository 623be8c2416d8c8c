/// A finished transcode: where things are and what was made.
public struct TranscodeResult: Sendable, Equatable {
    /// `<out>/master.m3u8`.
    public var masterPlaylistPath: String
    /// `<out>/manifest.mpd` (static MPEG-DASH over the same segments).
    public var dashManifestPath: String
    /// One per video rung, largest first, as the master playlist announces
    /// them; for an audio-only source one rendition named `audio` (see
    /// `TranscodeLadder.audioRenditionName`).
    public var renditions: [Rendition]
    /// `<out>/audio/index.m3u8`, the one audio rendition every rung plays
    /// with (for an audio-only source also `renditions[0]`); nil without audio.
    public var audioPlaylistPath: String?
    /// `<out>/poster.jpg`, or nil if no poster was made (no video).
    public var posterPath: String?
    /// `<out>/thumbs/thumb-01.jpg`, … in time order; empty without video.
    public var thumbnailPaths: [String]
    /// Duration of what was written (the segments' total), in seconds.
    public var durationSeconds: Double
    public var hasVideo: Bool
    public var hasAudio: Bool

    public struct Rendition: Sendable, Equatable {
        /// The video rung; for the audio-only rendition a rung named `audio`
        /// with width, height and video bitrate 0.
        public var rung: TranscodeRung
        /// `<out>/<rung>/index.m3u8` (video only: the audio is in
        /// `audioPlaylistPath`).
        public var playlistPath: String
        /// RFC 6381 codecs of the variant with its audio, as the master
        /// playlist has them, e.g. `avc1.64001f,mp4a.40.2`.
        public var codecs: String
        /// Peak bandwidth announced in the master playlist, the audio
        /// rendition's included (bits per second).
        public var bandwidth: Int
        /// Average bandwidth announced in the master playlist, the audio
        /// rendition's included (bits per second).
        public var averageBandwidth: Int
    }
}
