import CLibAV

/// Decodes the source's video once and hands every frame to each encoding
/// thread (and to the poster and thumbnail grabbers), with timestamps
/// rebased to start at 0 and an IDR forced on the segment grid.
final class VideoLoop {
    private let input: SourceInput
    private let workers: [RungWorker]
    private let grid: SegmentGrid
    private let poster: PosterGrabber
    private let thumbnails: ThumbnailGrabber
    private var frame: UnsafeMutablePointer<AVFrame>?
    private let timeBase: Double
    private var firstTimestamp: Int64?
    private var lastPts: Int64 = .min
    private var nextKeyframe = 0.0
    private var errors = DecodeErrorBudget(stream: "video")

    init(input: SourceInput, workers: [RungWorker], grid: SegmentGrid, poster: PosterGrabber,
         thumbnails: ThumbnailGrabber) {
        self.input = input
        self.workers = workers
        self.grid = grid
        self.poster = poster
        self.thumbnails = thumbnails
        timeBase = input.videoStream.map { av_q2d($0.pointee.time_base) } ?? 0
        frame = av_frame_alloc()
    }

    deinit {
        av_frame_free(&frame)
    }

    /// One packet of the video stream; nil drains the decoder (the rungs'
    /// encoders are drained by `RungWorker.close()`).
    func feed(_ packet: UnsafePointer<AVPacket>?) throws(TranscodeError) {
        guard let decoder = input.videoDecoder else { return }
        var sent = avcodec_send_packet(decoder, packet)
        if sent == LibAVCode.again {  // output is pending: take it, then send again
            try receiveFrames(from: decoder)
            sent = avcodec_send_packet(decoder, packet)
        }
        if sent < 0 && sent != LibAVCode.eof { try errors.failed(sent) }
        try receiveFrames(from: decoder)
        if packet == nil && errors.frames == 0 { throw .decoderFailed("no video frame could be decoded") }
    }

    private func receiveFrames(from decoder: UnsafeMutablePointer<AVCodecContext>) throws(TranscodeError) {
        guard let frame else { return }
        while true {
            let received = avcodec_receive_frame(decoder, frame)
            if received == LibAVCode.again || received == LibAVCode.eof { return }
            guard received >= 0 else {
                try errors.failed(received)
                continue
            }
            errors.decoded()
            defer { av_frame_unref(frame) }
            try deliver(frame)
        }
    }

    private func deliver(_ frame: UnsafeMutablePointer<AVFrame>) throws(TranscodeError) {
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

        // The hls muxer cuts a segment at the first keyframe at or past each
        // boundary of the grid: force the IDR on exactly that frame in every
        // rung, so that all rungs cut in the same places.
        let seconds = Double(pts) * timeBase
        let keyframe = seconds + 1e-9 >= nextKeyframe
        if keyframe {
            while nextKeyframe <= seconds + 1e-9 { nextKeyframe = grid.next(after: nextKeyframe) }
        }
        for worker in workers where worker.inputs.contains(.decoded) {
            try worker.submit(frame: frame, keyframe: keyframe)
        }
        poster.offer(frame, seconds: seconds)
        thumbnails.offer(frame, seconds: seconds)
    }
}
