/// Header names are ASCII: compared lower-cased without Unicode tables
/// (every request comes through here). Its own file: the fuzz harnesses
/// compile HTTPRequest without the server.
enum ASCIIText {
    static func lowercased(_ text: String) -> String {
        var bytes = text
        return bytes.withUTF8 { utf8 in
            // One pass over the bytes: most names are lower-case already.
            var upper = false
            for byte in utf8 {
                if byte >= 0x80 { return text.lowercased() }
                if isUpper(byte) { upper = true }
            }
            guard upper else { return text }
            // Written in place: a name of up to 15 bytes stays a small string (no allocation).
            return String(unsafeUninitializedCapacity: utf8.count) { buffer in
                for (i, byte) in utf8.enumerated() { buffer[i] = isUpper(byte) ? byte | 0x20 : byte }
                return utf8.count
            }
        }
    }

    /// The first `digits` (at most 16) lower-case hex digits of `word` into
    /// `text` from `offset` (request ids, trace ids, entity tags).
    static func writeHex(_ word: UInt64, into text: UnsafeMutableBufferPointer<UInt8>, at offset: Int, digits: Int) {
        for i in 0..<digits {
            let nibble = UInt8(truncatingIfNeeded: word >> (UInt64(15 - i) * 4)) & 0xF
            text[offset + i] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
        }
    }

    @inline(__always)
    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
}
