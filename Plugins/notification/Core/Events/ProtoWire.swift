/// Reads the string fields of a protobuf message by field number (wire type
/// 2), skipping everything else: enough for events whose generated code this
/// plugin does not carry (comment.created, from the comment plugin's own
/// proto). Malformed bytes answer nil.
enum ProtoWire {
    static func strings(_ bytes: [UInt8]) -> [Int: String]? {
        var fields: [Int: String] = [:]
        var index = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count {
            guard let key = varint() else { return nil }
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: guard varint() != nil else { return nil }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
                let end = index + Int(length)
                fields[field] = String(decoding: bytes[index..<end], as: UTF8.self)
                index = end
            default: return nil
            }
            guard index <= bytes.count else { return nil }
        }
        return fields
    }
}
