/// Checks an uploaded file with libavformat/libavcodec: detects the format,
/// reads the stream parameters, decodes the first frame of the main stream
/// and reads every packet to the end (no decoding) to catch truncated files.
/// The product never runs the ffmpeg command-line tool.
public enum MediaProbe {
    /// Probes the file at `path`. libav blocks, so the work runs on
    /// ReelMedia's own threads (at most two probes at once, others queue);
    /// cancelling the calling task interrupts it.
    public static func probe(path: String, limits: MediaProbeLimits = .default)
        async throws(MediaProbeError) -> MediaInfo
    {
        let interrupt = Interrupt(timeout: limits.timeout)
        let result: Result<MediaInfo, MediaProbeError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                MediaThreads.probes.submit {
                    continuation.resume(returning: Result { () throws(MediaProbeError) in
                        try ProbeJob(path: path, limits: limits, interrupt: interrupt).run()
                    })
                }
            }
        } onCancel: {
            interrupt.cancel()
        }
        return try result.get()
    }
}
