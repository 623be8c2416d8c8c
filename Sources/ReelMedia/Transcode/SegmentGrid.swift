/// Where segments start. Every `segmentSeconds` (an IDR is forced on each
/// boundary in every rung, so that the rungs cut in the same places), with
/// an optional shorter first segment so that a player can start sooner.
///
/// The `hls` muxer cuts at the first keyframe at or past `hls_time` × the
/// number of segments so far, counted from the start (so a shorter first
/// segment cannot come from `hls_time` alone, and `hls_init_time` shortens
/// every segment of an EVENT playlist). With a short first segment the video
/// muxers get `hls_time` = the first segment's length, which every later
/// boundary passes, and only the forced keyframes on the grid reach the
/// muxer flagged as keyframes (the closed GOPs' other IDRs still are IDRs,
/// but not cut points). The audio rendition is cut by time alone, every
/// `muxerSeconds`.
struct SegmentGrid: Equatable {
    var segmentSeconds: Double
    /// The first segment's length, nil when it is a full segment.
    var firstSeconds: Double?

    /// `first` ≤ 0 or at least half a segment (the muxer's rule above
    /// allows no later cut): no shorter first segment.
    init(segmentSeconds: Double, firstSeconds first: Double) {
        self.segmentSeconds = segmentSeconds
        firstSeconds = first > 0 && first <= segmentSeconds / 2 ? max(first, 0.5) : nil
    }

    /// The muxers' `hls_time`.
    var muxerSeconds: Double { firstSeconds ?? segmentSeconds }

    /// Whether keyframes off the grid must lose their keyframe flag before muxing.
    var cutsOnlyOnGrid: Bool { firstSeconds != nil }

    /// The boundary after `boundary` (0 is the first boundary).
    func next(after boundary: Double) -> Double {
        if let firstSeconds, boundary < firstSeconds - 1e-9 { return firstSeconds }
        return ((boundary + 1e-9) / segmentSeconds).rounded(.down) * segmentSeconds + segmentSeconds
    }
}
