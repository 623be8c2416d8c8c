/// How `LadderTranscoder` encodes: speed/quality, CPU use, segment length and
/// how many thumbnails it makes.
public struct TranscodeOptions: Sendable, Equatable {
    /// x264 preset ("ultrafast" … "veryslow").
    public var preset: String
    /// The cores' worth of encoding this job may keep busy; 0 lets libav
    /// choose (about 1.5 frame threads per core for each libx264). Each rung
    /// encodes on a thread of its own, its libx264 on ⌈T × its share of the
    /// ladder's picture area⌉ threads (1080p on 2 of 2 cores, the smaller
    /// rungs on 1, inline); T = 1 puts every rung on one thread. The video
    /// decoder gets 1 (the calling thread) below 8, T/8 above. See `ThreadBudget`.
    public var threads: Int
    /// Target segment duration in seconds (keyframes are forced on this
    /// grid); clamped to 1…60.
    public var segmentSeconds: Double
    /// JPEG thumbnails spread evenly through the video (`<out>/thumbs/`);
    /// 0 makes none. Clamped to 0…100.
    public var thumbnailCount: Int
    /// Scale each rung from the next larger rung's picture rather than from
    /// the source where the threads allow it (`ScalingPlan`); false scales
    /// every rung from the source, as the ffmpeg CLI's `split` does.
    public var cascadeScaling: Bool
    /// A shorter first segment (seconds; 0: a full one), so that playback
    /// can start before a whole segment is encoded: at most half a segment
    /// (longer ones are ignored), at least 0.5 s. The audio rendition is
    /// then cut into segments this long throughout (`SegmentGrid`).
    public var firstSegmentSeconds: Double

    public init(preset: String = "veryfast", threads: Int = 0, segmentSeconds: Double = 4, thumbnailCount: Int = 4,
                cascadeScaling: Bool = true, firstSegmentSeconds: Double = 0) {
        self.cascadeScaling = cascadeScaling
        self.firstSegmentSeconds = firstSegmentSeconds
        self.preset = preset
        self.threads = threads
        self.segmentSeconds = segmentSeconds
        self.thumbnailCount = thumbnailCount
    }

    /// `segmentSeconds` within its bounds (NaN: the default).
    var effectiveSegmentSeconds: Double {
        segmentSeconds.isNaN ? 4 : min(max(segmentSeconds, 1), 60)
    }

    /// Where segments start, from `segmentSeconds` and `firstSegmentSeconds`.
    var segmentGrid: SegmentGrid {
        SegmentGrid(segmentSeconds: effectiveSegmentSeconds,
                    firstSeconds: firstSegmentSeconds.isNaN ? 0 : firstSegmentSeconds)
    }

    var effectiveThumbnailCount: Int {
        min(max(thumbnailCount, 0), 100)
    }
}

/// Stops a running transcode from any thread: the transcode checks it
/// between packets (and libav's blocking reads through their interrupt
/// callback), frees everything it opened and throws
/// `TranscodeError.cancelled`. Files written so far are left in place.
public final class TranscodeCancellation: Sendable {
    /// The flag libav's interrupt callback reads (no deadline).
    let interrupt = Interrupt()

    public init() {}

    public func cancel() {
        interrupt.cancel()
    }

    public var isCancelled: Bool {
        interrupt.stopReason == .cancelled
    }
}
