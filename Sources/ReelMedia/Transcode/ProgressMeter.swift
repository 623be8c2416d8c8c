/// Turns "how far the demuxer is" into the 0…1 fractions the caller sees:
/// the main stream's time over the declared duration, or, when the duration
/// is unknown, the read position over the file size. Only growth of at least
/// 1% is reported, never 1 (that is said once everything is written).
struct ProgressMeter {
    let durationSeconds: Double
    let fileSize: Int64
    private var reported = 0.0

    init(durationSeconds: Double, fileSize: Int64) {
        self.durationSeconds = durationSeconds
        self.fileSize = fileSize
    }

    /// The fraction to report after a packet at `seconds` (nil: no time) read
    /// up to `bytePosition` (negative: unknown), or nil if nothing new.
    mutating func advance(seconds: Double?, bytePosition: Int64) -> Double? {
        var fraction: Double?
        if durationSeconds > 0, let seconds {
            fraction = seconds / durationSeconds
        } else if durationSeconds <= 0, fileSize > 0, bytePosition >= 0 {
            fraction = Double(bytePosition) / Double(fileSize)
        }
        guard let fraction, fraction.isFinite else { return nil }
        let capped = min(0.99, fraction)
        guard capped - reported >= 0.01 else { return nil }
        reported = capped
        return capped
    }
}
