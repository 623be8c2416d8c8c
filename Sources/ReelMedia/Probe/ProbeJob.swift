import CLibAV
import Foundation

/// One probe, run start to finish on a blocking thread.
struct ProbeJob {
    let path: String
    let limits: MediaProbeLimits
    let interrupt: Interrupt

    func run() throws(MediaProbeError) -> MediaInfo {
        if let stop = interrupt.stopReason { throw Self.error(for: stop, interrupt: interrupt) }
        LibAVLog.applyDefault()
        let fileSize = try FileCheck.check(path: path)
        // "file:" so that a path containing ':' is never taken for a protocol.
        let url = "file:" + path
        let format = try FormatDetection.detect(url: url, interrupt: interrupt)
        let formatName = String(cString: format.pointee.name)
        if let refusal = MediaPolicy.refusal(ofFormat: formatName) { throw .refusedFormat(refusal) }

        let input: InputFile
        do {
            input = try InputFile(url: url, format: format, limits: limits, interrupt: interrupt)
        } catch {
            throw headerError(error.code, formatName: formatName, fileSize: fileSize)
        }
        return try inspect(input)
    }

    private func inspect(_ input: InputFile) throws(MediaProbeError) -> MediaInfo {
        let catalog = StreamCatalog(input)
        guard let mainIndex = catalog.mainStreamIndex, let mainStream = input.streams[mainIndex] else {
            throw .noPlayableStream
        }
        let decoder = try FirstFrameDecoder(stream: mainStream, maxPackets: limits.maxPacketsForFirstFrame)
        let scan = PacketScan(input: input, decoder: decoder, interrupt: interrupt)
        if let stop = scan.stopped { throw Self.error(for: stop, interrupt: interrupt) }

        let declared = input.declaredDuration
        let truncation = truncationDetail(scan, declaredDuration: declared)
        guard decoder.gotFrame else {
            throw truncation.map(MediaProbeError.truncated) ?? .damaged(decoder.failureDetail)
        }
        if let truncation { throw .truncated(truncation) }

        return MediaInfo(
            formatName: input.formatName,
            durationSeconds: declared ?? scan.dataEnd ?? 0,
            bitRate: input.bitRate,
            videoStreams: catalog.video,
            audioStreams: catalog.audio,
            decodedStreamIndex: mainIndex)
    }

    /// Applies `MediaPolicy`'s truncation rule; nil if the file looks whole.
    private func truncationDetail(_ scan: PacketScan, declaredDuration: Double?) -> String? {
        let end = scan.dataEnd ?? 0
        let endsEarly = declaredDuration.map {
            $0 - end > MediaPolicy.truncationTolerance(declaredDuration: $0)
        }
        if let readError = scan.readError, endsEarly ?? true {
            let total = declaredDuration.map { " of \(Self.format($0)) s" } ?? ""
            return "its data cannot be read past \(Self.format(end)) s\(total) (\(LibAVCode.message(readError)))"
        }
        if let declaredDuration, endsEarly == true {
            return "its data ends at \(Self.format(end)) s of the \(Self.format(declaredDuration)) s it declares"
        }
        return nil
    }

    /// Classifies a failure to read the header (avformat_open_input or
    /// avformat_find_stream_info).
    private func headerError(_ code: Int32, formatName: String, fileSize: Int64) -> MediaProbeError {
        if let stop = interrupt.stopReason { return Self.error(for: stop, interrupt: interrupt) }
        if code == LibAVCode.eof { return .truncated("it ends inside its header") }
        let isMP4 = formatName.split(separator: ",").contains("mov")
        if isMP4, let layout = MP4Layout(path: path, fileSize: fileSize) {
            if let box = layout.truncatedBox {
                let index = layout.hasMovieBox ? "" : " and its index (the 'moov' box) is missing"
                return .truncated("it ends in the middle of its '\(box)' box\(index)")
            }
            if !layout.hasMovieBox { return .damaged("it has no index (no 'moov' box)") }
        }
        return .damaged("its \(formatName) header could not be read (\(LibAVCode.message(code)))")
    }

    static func error(for stop: StopReason, interrupt: Interrupt) -> MediaProbeError {
        switch stop {
        case .cancelled: .cancelled
        case .timedOut: .timedOut(seconds: interrupt.timeout?.seconds ?? 0)
        }
    }

    private static func format(_ seconds: Double) -> String {
        String(format: "%.1f", seconds)
    }
}
