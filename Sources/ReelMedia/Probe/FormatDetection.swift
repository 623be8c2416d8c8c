import CLibAV

/// Finds the demuxer for a file from its first bytes (up to 1 MiB, as
/// avformat_open_input does), ignoring the file name: an upload's name is
/// whatever the user typed, and libav would otherwise accept any bytes named
/// ".mp4" as MP4 (the extension alone scores 1, which wins at end of file).
/// A format detected with a score below `MediaPolicy.minimumProbeScore` is
/// refused too: at end of file libav takes any score above 0.
enum FormatDetection {
    static func detect(url: String, interrupt: Interrupt) throws(MediaProbeError) -> UnsafePointer<AVInputFormat> {
        var callback = interrupt.callback
        var io: UnsafeMutablePointer<AVIOContext>?
        let opened = avio_open2(&io, url, AVIO_FLAG_READ, &callback, nil)
        guard opened >= 0 else {
            if let stop = interrupt.stopReason { throw ProbeJob.error(for: stop, interrupt: interrupt) }
            throw .unreadable(LibAVCode.message(opened).lowercased())
        }
        defer { avio_closep(&io) }

        var format: UnsafePointer<AVInputFormat>?
        let score = av_probe_input_buffer2(io, &format, nil, nil, 0, 0)
        if score < 0, let stop = interrupt.stopReason { throw ProbeJob.error(for: stop, interrupt: interrupt) }
        if score < 0 && score != LibAVCode.invalidData {
            throw .unreadable(LibAVCode.message(score).lowercased())
        }
        guard let format else { throw .unrecognizedFormat }
        guard score >= MediaPolicy.minimumProbeScore else {
            throw .uncertainFormat(String(cString: format.pointee.name), score: score)
        }
        return format
    }
}
