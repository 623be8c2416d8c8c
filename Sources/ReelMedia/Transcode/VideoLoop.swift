import CLibAV

/// Decodes the source's video once and hands every frame to each rung, with
/// timestamps rebased to start at 0 and an IDR forced on the segment grid.
final class VideoLoop {
    private let input: SourceInput
    private let rungs: [RungOutput]
    private let segmentSeconds: Double
    private let poster: PosterGrabber
    private var frame: UnsafeMutablePointer<AVFrame>?
    private let timeBase: Double
    private let halfFrame: Double
    private var firstTimestamp: Int64?
    private var lastPts: Int64 = .min
    private var nextKeyframe = 0.0
    private var reported = -1.0

    init(input: SourceInput, rungs: [RungOutput], segmentSeconds: Double, poster: PosterGrabber) {
        self.input = input
        self.rungs = rungs
        self.segmentSeconds = segmentSeconds
        self.poster = poster
        timeBase = av_q2d(input.videoStream.pointee.time_base)
        halfFrame = 0.5 / max(av_q2d(input.frameRate), 1)
        frame = av_frame_alloc()
    }

    deinit {
        av_frame_free(&frame)
    }

    /// One packet of the video stream; nil drains the decoder and the rungs' encoders.
    func feed(_ packet: UnsafePointer<AVPacket>?, progress: (Double) -> Void) throws(TranscodeError) {
        guard let decoder = input.videoDecoder, let frame else { return }
        let sent = avcodec_send_packet(decoder, packet)
        if sent < 0 && sent != LibAVCode.eof && sent != LibAVCode.invalidData {
            throw .decoderFailed("video: \(LibAVCode.message(sent))")
        }
        while true {
            let received = avcodec_receive_frame(decoder, frame)
            if received == LibAVCode.again || received == LibAVCode.eof { return }
            guard received >= 0 else { throw .decoderFailed("video: \(LibAVCode.message(received))") }
            defer { av_frame_unref(frame) }
            try deliver(frame, progress: progress)
        }
    }

    private func deliver(_ frame: UnsafeMutablePointer<AVFrame>, progress: (Double) -> Void) throws(TranscodeError) {
        let nopts = reel_av_nopts_value()
        var timestamp = frame.pointee.best_effort_timestamp
        if timestamp == nopts { timestamp = frame.pointee.pts }
        if timestamp == nopts { timestamp = lastPts == .min ? 0 : lastPts + 1 + (firstTimestamp ?? 0) }
        let first = firstTimestamp ?? timestamp
        firstTimestamp = first
        let pts = timestamp - first
        guard pts > lastPts else { return }  // x264 needs strictly increasing timestamps
        lastPts = pts
        frame.pointee.pts = pts

        let seconds = Double(pts) * timeBase
        let keyframe = seconds + halfFrame >= nextKeyframe
        if keyframe {
            while nextKeyframe <= seconds + halfFrame { nextKeyframe += segmentSeconds }
        }
        for rung in rungs { try rung.encode(frame, keyframe: keyframe) }
        poster.offer(frame, seconds: seconds)

        if input.durationSeconds > 0 {
            let fraction = min(0.99, seconds / input.durationSeconds)
            if fraction - reported >= 0.01 {
                reported = fraction
                progress(fraction)
            }
        }
    }
}
