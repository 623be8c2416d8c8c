/// W3C Trace Context (https://www.w3.org/TR/trace-context/) for one request:
/// the caller's `traceparent` continued (its trace id kept, a new span id for
/// this server span, its parent recorded), or a new trace when there is none
/// or it is malformed. Its ids go into the access log and back to the client
/// in the response's `traceparent` header.
public struct TraceContext: Sendable, Equatable {
    /// 32 lowercase hex digits, never all zeros.
    public let traceId: String
    /// This server span: 16 lowercase hex digits.
    public let spanId: String
    /// The caller's span, when it sent a valid traceparent.
    public let parentSpanId: String?
    /// "01" sampled, "00" not; the caller's choice is kept.
    public let flags: String
    /// The caller's tracestate, passed back unchanged (only with a valid traceparent).
    public let state: String?

    /// The header value for this span: "00-<trace id>-<span id>-<flags>".
    /// Made once: every request sends it back and hands it to the plugin.
    public let traceparent: String

    init(traceId: String, spanId: String, parentSpanId: String?, flags: String, state: String?,
         traceparent: String? = nil) {
        self.traceId = traceId
        self.spanId = spanId
        self.parentSpanId = parentSpanId
        self.flags = flags
        self.state = state
        if let traceparent {
            self.traceparent = traceparent
        } else {
            var header = "00-"
            header.reserveCapacity(55)
            header += traceId
            header += "-"
            header += spanId
            header += "-"
            header += flags
            self.traceparent = header
        }
    }

    /// A span of this trace under this one (a bus call made for it).
    public func child() -> TraceContext {
        TraceContext(traceId: traceId, spanId: Self.randomHex(8), parentSpanId: spanId, flags: flags, state: state)
    }

    /// Continues the caller's trace, or starts one.
    public static func accept(traceparent: String?, tracestate: String?) -> TraceContext {
        if let traceparent, let parent = parse(traceparent) {
            // tracestate: at most 32 members of 256 bytes; anything longer is dropped, not cut.
            let state = tracestate.flatMap { $0.utf8.count <= 8192 && !$0.isEmpty ? $0 : nil }
            return TraceContext(traceId: parent.traceId, spanId: randomHex(8), parentSpanId: parent.spanId,
                                flags: parent.flags, state: state)
        }
        return started()
    }

    /// A new trace (sampled): its header written straight from the random
    /// words, not pieced together from the ids (every request without a
    /// traceparent starts one).
    static func started() -> TraceContext {
        var (a, b) = RequestID.randomWords()
        while a == 0 && b == 0 { (a, b) = RequestID.randomWords() }
        var span = RequestID.randomWord()
        while span == 0 { span = RequestID.randomWord() }
        let header = String(unsafeUninitializedCapacity: 55) { text in
            for (i, byte) in "00-".utf8.enumerated() { text[i] = byte }
            ASCIIText.writeHex(a, into: text, at: 3, digits: 16)
            ASCIIText.writeHex(b, into: text, at: 19, digits: 16)
            text[35] = UInt8(ascii: "-")
            ASCIIText.writeHex(span, into: text, at: 36, digits: 16)
            text[52] = UInt8(ascii: "-")
            text[53] = UInt8(ascii: "0")
            text[54] = UInt8(ascii: "1")
            return 55
        }
        return TraceContext(traceId: RequestID.hex(a, b, digits: 32), spanId: RequestID.hex(span, 0, digits: 16),
                            parentSpanId: nil, flags: "01", state: nil, traceparent: header)
    }

    /// Parses a traceparent: version-traceid-parentid-flags. Version "ff" is
    /// invalid; version 00 has exactly four fields; a later version may add
    /// fields after a "-".
    static func parse(_ header: String) -> (traceId: String, spanId: String, flags: String)? {
        let text = Array(header.utf8)
        guard text.count >= 55, text[2] == 0x2D, text[35] == 0x2D, text[52] == 0x2D else { return nil }
        let version = String(decoding: text[0..<2], as: UTF8.self)
        guard isHex(text[0..<2]), version != "ff" else { return nil }
        if version == "00" { guard text.count == 55 else { return nil } }
        else if text.count > 55 { guard text[55] == 0x2D else { return nil } }
        let traceId = text[3..<35], spanId = text[36..<52], flags = text[53..<55]
        guard isHex(traceId), isHex(spanId), isHex(flags),
              traceId.contains(where: { $0 != 0x30 }), spanId.contains(where: { $0 != 0x30 }) else { return nil }
        // Only the sampled bit is defined; others are not passed on.
        let sampled = (hexValue(flags.last ?? 0x30) & 1) == 1
        return (String(decoding: traceId, as: UTF8.self), String(decoding: spanId, as: UTF8.self), sampled ? "01" : "00")
    }

    /// Lowercase hex only, as the specification asks.
    private static func isHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 { byte >= 0x61 ? byte - 0x61 + 10 : byte - 0x30 }

    /// `count` random bytes (8 or 16) as hex, never all zeros. From the
    /// request ids' generator (seeded once from the system): drawing each
    /// byte from the system's generator cost a getrandom call per byte, 24
    /// per request. Trace ids need to be unique, not secret.
    static func randomHex(_ count: Int) -> String {
        while true {
            // 8 bytes (a span id) come from one word, 16 (a trace id) from two.
            let (a, b) = count > 8 ? RequestID.randomWords() : (RequestID.randomWord(), 0)
            if a != 0 || (count > 8 && b != 0) { return RequestID.hex(a, b, digits: count * 2) }
        }
    }
}
