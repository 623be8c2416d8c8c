import CLibAV

/// Transcodes one source into an adaptive ladder of CMAF (fMP4) renditions,
/// published as HLS playlists and a DASH manifest over the same segments (hence
/// LadderTranscoder, not HLS only): demux once,
/// decode video once, scale and encode per rung (libx264, closed 2 s GOPs,
/// an IDR forced on the segment grid so that segments align across rungs),
/// decode/resample/encode audio once (AAC-LC stereo) into one audio
/// rendition named `audio` that every rung plays with: each rendition is a
/// single CMAF track (video-only rungs, audio-only `audio`). An audio-only
/// source makes just the `audio` rendition; a video-only one none. Blocking: demuxes and decodes on the calling thread (put
/// it on a thread of its own, never on Swift's cooperative pool) while the
/// rungs encode on encoding threads it starts and joins before returning
/// (`TranscodeOptions.threads`).
///
/// Output, published while the transcode runs:
/// - `<out>/master.m3u8`, written (temporary file + rename) as soon as every
///   rendition's encoder is open, with nominal bandwidths (1.1 × targets),
///   and rewritten at the end with measured peak and average bandwidths:
///   the audio rendition as `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac"` and one
///   `#EXT-X-STREAM-INF` per rung with `AUDIO="aac"`, its codecs and
///   bandwidth counting the audio (an audio-only source: the audio
///   rendition as the one variant);
/// - `<out>/<rendition>/index.m3u8`: an EVENT playlist the muxer rewrites
///   (temporary file + rename) after each segment, first written after the
///   first segment and closed with #EXT-X-ENDLIST at the end;
///   `init.mp4`, `seg-00000.m4s`, … (a segment is renamed into place whole);
/// - at the end: `<out>/manifest.mpd` (a video and an audio AdaptationSet),
///   `<out>/poster.jpg` and
///   `<out>/thumbs/thumb-01.jpg`, … (video only).
/// Completion is the method returning (or every media playlist ending with
/// #EXT-X-ENDLIST and `manifest.mpd` existing), not `master.m3u8` existing.
public struct LadderTranscoder: Sendable {
    public var options: TranscodeOptions

    public init(options: TranscodeOptions = .init()) {
        self.options = options
    }

    /// The default options with this x264 preset.
    public init(preset: String) {
        self.init(options: TranscodeOptions(preset: preset))
    }

    /// x264 preset ("ultrafast" … "veryslow").
    public var preset: String {
        get { options.preset }
        set { options.preset = newValue }
    }

    /// Target segment duration in seconds (keyframes are forced on this grid).
    public var segmentSeconds: Double { options.effectiveSegmentSeconds }

    /// The ladder this transcoder would make for `source` (opens its header):
    /// for an audio-only source `rungs == []` with `audioBitRate` set.
    public static func ladder(for source: String) throws(TranscodeError) -> TranscodeLadder {
        LibAVLog.applyDefault()
        let input = try SourceInput(path: source, interrupt: Interrupt())
        guard let video = input.videoStream, let parameters = video.pointee.codecpar?.pointee else {
            return .audioOnly()
        }
        return TranscodeLadder(sourceWidth: Int(parameters.width), sourceHeight: Int(parameters.height),
                               rotation: input.rotation, hasAudio: input.audioStream != nil)
    }

    /// Transcodes `source` into `outputDirectory` (created if missing) with
    /// `ladder` (nil: `ladder(for:)`'s). `cancellation` stops the work from
    /// any other thread (`TranscodeError.cancelled`); files written so far
    /// stay behind. `progress` gets fractions 0…1 on the calling thread, at
    /// least every 1% when the duration or size is known, and 1 last.
    public func transcode(source: String, outputDirectory: String, ladder: TranscodeLadder? = nil,
                          cancellation: TranscodeCancellation? = nil,
                          progress: @Sendable (Double) -> Void = { _ in }) throws(TranscodeError) -> TranscodeResult {
        LibAVLog.applyDefault()
        let job = TranscodeJob(options: options, source: source, outputDirectory: outputDirectory, ladder: ladder,
                               interrupt: cancellation?.interrupt ?? Interrupt())
        return try job.run(progress: progress)
    }

    /// The same, with `cancellation` after `progress`.
    public func transcode(source: String, outputDirectory: String, ladder: TranscodeLadder? = nil,
                          progress: @Sendable (Double) -> Void,
                          cancellation: TranscodeCancellation) throws(TranscodeError) -> TranscodeResult {
        try transcode(source: source, outputDirectory: outputDirectory, ladder: ladder, cancellation: cancellation,
                      progress: progress)
    }
}
