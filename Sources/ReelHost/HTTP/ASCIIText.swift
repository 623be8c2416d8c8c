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

    @inline(__always)
    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
}
