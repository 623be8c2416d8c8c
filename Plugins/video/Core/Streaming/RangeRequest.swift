/// RFC 9110 §14 byte ranges: what a `Range` header asks of a file of `size`
/// bytes.
///
/// - A header that is not `bytes=` with a valid range set is ignored (200),
///   as RFC 9110 §14.2 lets a server do; so is any range on an empty file.
/// - Unsatisfiable ranges (first byte at or past the end, `-0`) are dropped;
///   if none is left, 416 with `Content-Range: bytes */size`.
/// - What is left is sorted and overlapping or adjacent ranges are merged:
///   one range answers 206; several disjoint ones answer 200 with the whole
///   file (a server MAY ignore Range; Reel sends no multipart/byteranges).
enum RangeRequest: Equatable {
    case full
    case partial(offset: Int64, length: Int64)
    case unsatisfiable

    /// More ranges than this in one header: ignored (RFC 9110 §14.2 allows
    /// refusing many small ranges; they are a denial-of-service pattern).
    static let maxRanges = 32

    static func evaluate(_ header: String?, size: Int64) -> RangeRequest {
        guard let header, size > 0, let specs = parse(header) else { return .full }
        var ranges: [(first: Int64, last: Int64)] = []
        for spec in specs {
            switch spec {
            case .from(let first, let last):
                guard first < size else { continue }
                ranges.append((first, min(last ?? Int64.max, size - 1)))
            case .suffix(let length):
                guard length > 0 else { continue }
                ranges.append((max(0, size - length), size - 1))
            }
        }
        guard !ranges.isEmpty else { return .unsatisfiable }
        ranges.sort { $0.first < $1.first }
        var merged = [ranges[0]]
        for range in ranges.dropFirst() {
            if range.first <= merged[merged.count - 1].last + 1 {
                merged[merged.count - 1].last = max(merged[merged.count - 1].last, range.last)
            } else {
                merged.append(range)
            }
        }
        guard merged.count == 1 else { return .full }
        return .partial(offset: merged[0].first, length: merged[0].last - merged[0].first + 1)
    }

    enum Spec: Equatable {
        case from(Int64, Int64?)   // first-pos "-" [ last-pos ]
        case suffix(Int64)         // "-" suffix-length
    }

    /// `bytes=<range-set>`; nil if the unit is not bytes or the set is
    /// malformed (a last-pos before its first-pos makes the whole set invalid).
    /// Numbers too large for Int64 saturate.
    static func parse(_ header: String) -> [Spec]? {
        let text = Substring(header).trimmingASCIIWhitespace
        guard let equals = text.firstIndex(of: "="),
              text[..<equals].lowercased() == "bytes" else { return nil }
        var specs: [Spec] = []
        for element in text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false) {
            let item = element.trimmingASCIIWhitespace
            if item.isEmpty { continue } // #rule: empty list elements are allowed
            guard let dash = item.firstIndex(of: "-") else { return nil }
            let first = item[..<dash], last = item[item.index(after: dash)...]
            if first.isEmpty {
                guard let length = number(last) else { return nil }
                specs.append(.suffix(length))
            } else {
                guard let from = number(first) else { return nil }
                if last.isEmpty {
                    specs.append(.from(from, nil))
                } else {
                    guard let to = number(last), to >= from else { return nil }
                    specs.append(.from(from, to))
                }
            }
            if specs.count > maxRanges { return nil }
        }
        return specs.isEmpty ? nil : specs
    }

    /// 1*DIGIT, saturating at Int64.max.
    private static func number(_ text: Substring) -> Int64? {
        guard !text.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int64.max : sum
        }
        return value
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    var trimmingASCIIWhitespace: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
