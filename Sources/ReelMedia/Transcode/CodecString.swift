/// RFC 6381 codec strings for the master playlist's CODECS attribute.
enum CodecString {
    static let aacLC = "mp4a.40.2"

    /// `avc1.PPCCLL` from the SPS in x264's extradata (Annex B start codes or
    /// an avcC record), else from the encoder's profile and level numbers.
    static func avc1(extradata: UnsafePointer<UInt8>?, size: Int, profile: Int32, level: Int32) -> String {
        let bytes = extradata.map { Array(UnsafeBufferPointer(start: $0, count: max(0, size))) } ?? []
        if bytes.count >= 4, bytes[0] == 1 {  // avcC: version, profile, compatibility, level
            return format(bytes[1], bytes[2], bytes[3])
        }
        var index = 0
        while index + 6 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1, bytes[index + 3] & 0x1F == 7 {
                return format(bytes[index + 4], bytes[index + 5], bytes[index + 6])
            }
            index += 1
        }
        let knownProfile = profile > 0 ? UInt8(truncatingIfNeeded: profile) : 100
        let knownLevel = level > 0 ? UInt8(truncatingIfNeeded: level) : 31
        return format(knownProfile, 0, knownLevel)
    }

    private static func format(_ bytes: UInt8...) -> String {
        "avc1." + bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
