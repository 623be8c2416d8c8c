import CLibAV

/// Keeps the first decoded frame at or after `atSeconds` (~10% of the
/// duration) for the poster, and the very first frame in case the video ends
/// before that point (a duration declared longer than the data).
final class PosterGrabber {
    private let atSeconds: Double
    private var chosen: UnsafeMutablePointer<AVFrame>?
    private var first: UnsafeMutablePointer<AVFrame>?

    init(atSeconds: Double) {
        self.atSeconds = atSeconds
    }

    deinit {
        av_frame_free(&chosen)
        av_frame_free(&first)
    }

    /// The frame for the poster, if any frame was decoded.
    var frame: UnsafeMutablePointer<AVFrame>? { chosen ?? first }

    func offer(_ candidate: UnsafeMutablePointer<AVFrame>, seconds: Double) {
        guard chosen == nil else { return }
        if seconds >= atSeconds {
            chosen = av_frame_clone(candidate)
            av_frame_free(&first)  // no longer needed: frees the decoder's buffer
        } else if first == nil {
            first = av_frame_clone(candidate)
        }
    }

    /// Writes the poster at the frame's display size, turned upright.
    static func writeJPEG(_ frame: UnsafeMutablePointer<AVFrame>, rotation: Int, to path: String) throws(TranscodeError) {
        let quarter = rotation % 180 == 90
        let width = Int(quarter ? frame.pointee.height : frame.pointee.width)
        let height = Int(quarter ? frame.pointee.width : frame.pointee.height)
        try JPEGWriter.write(frame, width: max(2, width & ~1), height: max(2, height & ~1), rotation: rotation, to: path)
    }
}
