/// Bounds on how much work one probe may do on an untrusted file.
public struct MediaProbeLimits: Sendable, Equatable {
    /// Wall-clock budget for the whole probe (open, stream info, decoding the
    /// first frame, reading every packet). Past it libav's blocking calls are
    /// interrupted and the probe throws `timedOut`.
    public var timeout: Duration
    /// Bytes libav may read to find stream parameters ("probesize").
    public var probeSize: Int64
    /// Media time libav may read to find stream parameters ("analyzeduration").
    public var analyzeDuration: Duration
    /// Packets of the main stream fed to its decoder before giving up on
    /// getting a first frame (decoders buffer a few; a broken stream none).
    public var maxPacketsForFirstFrame: Int

    public init(timeout: Duration = .seconds(60), probeSize: Int64 = 5_000_000,
                analyzeDuration: Duration = .seconds(5), maxPacketsForFirstFrame: Int = 300) {
        self.timeout = timeout
        self.probeSize = probeSize
        self.analyzeDuration = analyzeDuration
        self.maxPacketsForFirstFrame = maxPacketsForFirstFrame
    }

    public static let `default` = MediaProbeLimits()
}
