/// One rendition of the adaptive ladder: display size and target bitrates.
public struct TranscodeRung: Sendable, Equatable {
    /// Directory and playlist name, e.g. "720p" (named after the short side).
    public var name: String
    /// Display (upright) size; always even.
    public var width: Int
    public var height: Int
    /// Video target bitrate in bits per second (maxrate equal, bufsize 2×).
    public var videoBitRate: Int

    public init(name: String, width: Int, height: Int, videoBitRate: Int) {
        self.name = name
        self.width = width
        self.height = height
        self.videoBitRate = videoBitRate
    }
}

/// The renditions made from one source, never upscaled: every standard rung
/// whose short side fits the source's short side (so portrait sources keep
/// their aspect ratio), or the source size itself when it is below 360p.
/// An audio-only ladder (`rungs == []`, `audioBitRate` set) makes a single
/// AAC rendition named `audioRenditionName`.
public struct TranscodeLadder: Sendable, Equatable {
    public var rungs: [TranscodeRung]
    /// AAC-LC stereo bitrate; nil when the source has no audio.
    public var audioBitRate: Int?

    /// The directory and playlist name of the audio-only rendition.
    public static let audioRenditionName = "audio"

    /// No video rungs: one AAC-LC stereo rendition at `bitRate`.
    public static func audioOnly(bitRate: Int = defaultAudioBitRate) -> TranscodeLadder {
        TranscodeLadder(rungs: [], audioBitRate: bitRate)
    }

    public var isAudioOnly: Bool { rungs.isEmpty && audioBitRate != nil }

    /// (short side, video bitrate), largest first.
    public static let standardRungs: [(shortSide: Int, bitRate: Int)] = [
        (1080, 5_000_000), (720, 2_800_000), (480, 1_400_000), (360, 800_000),
    ]
    public static let defaultAudioBitRate = 128_000

    public init(rungs: [TranscodeRung], audioBitRate: Int?) {
        self.rungs = rungs
        self.audioBitRate = audioBitRate
    }

    /// The ladder for a source of `width`×`height` coded pixels shown rotated
    /// by `rotation` degrees clockwise (0, 90, 180, 270).
    public init(sourceWidth width: Int, sourceHeight height: Int, rotation: Int = 0, hasAudio: Bool) {
        let rotated = rotation % 180 == 90
        let displayWidth = max(rotated ? height : width, 2)
        let displayHeight = max(rotated ? width : height, 2)
        let portrait = displayWidth < displayHeight
        let short = min(displayWidth, displayHeight), long = max(displayWidth, displayHeight)

        func rung(short target: Int, bitRate: Int) -> TranscodeRung {
            // Nearest even size, but never past the source (odd sizes round down).
            let scaledLong = min(Self.even(Double(long) * Double(target) / Double(short)), max(2, long & ~1))
            let scaledShort = min(Self.even(Double(target)), max(2, short & ~1))
            return TranscodeRung(name: "\(scaledShort)p",
                                 width: portrait ? scaledShort : scaledLong,
                                 height: portrait ? scaledLong : scaledShort,
                                 videoBitRate: bitRate)
        }
        var rungs = Self.standardRungs.filter { $0.shortSide <= short }.map { rung(short: $0.shortSide, bitRate: $0.bitRate) }
        if rungs.isEmpty {
            // Below 360p: the source size itself, bitrate scaled by area from 360p.
            let area = Double(short) * Double(long) / (360.0 * 640.0)
            rungs = [rung(short: short, bitRate: max(150_000, Int(800_000 * area)))]
        }
        self.init(rungs: rungs, audioBitRate: hasAudio ? Self.defaultAudioBitRate : nil)
    }

    /// Rounded to the nearest even number, at least 2.
    static func even(_ value: Double) -> Int {
        max(2, Int((value / 2).rounded()) * 2)
    }
}
