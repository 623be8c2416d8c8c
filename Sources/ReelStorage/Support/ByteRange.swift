/// The one rule for ranges, shared by both backends.
enum ByteRange {
    /// `range` clamped to `0..<size`; nil means the whole object.
    static func clamp(_ range: Range<Int64>?, size: Int64, key: String) throws(StorageError) -> Range<Int64> {
        guard let range else { return 0..<size }
        guard range.lowerBound >= 0, !range.isEmpty, range.lowerBound < size else {
            throw .rangeNotSatisfiable(key: key, range: range, size: size)
        }
        return range.lowerBound..<min(range.upperBound, size)
    }

    /// Checks what can be checked before the size is known (S3 asks the server).
    static func validate(_ range: Range<Int64>, key: String) throws(StorageError) {
        guard range.lowerBound >= 0, !range.isEmpty else {
            throw .rangeNotSatisfiable(key: key, range: range, size: nil)
        }
    }
}
