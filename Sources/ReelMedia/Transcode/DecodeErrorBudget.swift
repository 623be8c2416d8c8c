/// Damaged packets are skipped, as players do: a decoder error costs one
/// packet or frame. A stream that keeps failing (`limit` errors in a row
/// with no frame between) fails the transcode with `decoderFailed`, so that
/// a garbage stream ends quickly instead of being read to its end.
struct DecodeErrorBudget {
    static let limit = 100
    let stream: String
    private var inARow = 0
    private(set) var frames = 0

    init(stream: String) {
        self.stream = stream
    }

    mutating func failed(_ code: Int32) throws(TranscodeError) {
        inARow += 1
        guard inARow < Self.limit else {
            throw .decoderFailed("\(stream): \(LibAVCode.message(code)) (\(Self.limit) errors in a row)")
        }
    }

    mutating func decoded() {
        inARow = 0
        frames += 1
    }
}
