import CLibPQ
import Foundation

/// `bytea` in text format.
enum PostgresBytea {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `\x` followed by two lowercase hex digits per byte.
    static func hex(_ data: Data) -> String {
        var text = [UInt8]()
        text.reserveCapacity(2 + data.count * 2)
        text.append(UInt8(ascii: "\\"))
        text.append(UInt8(ascii: "x"))
        for byte in data {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes the server's output (hex, or the older escape format).
    static func decode(_ text: String) -> Data? {
        var length = 0
        let bytes = text.withCString { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: text.utf8.count + 1) {
                PQunescapeBytea($0, &length)
            }
        }
        guard let bytes else { return nil }
        defer { PQfreemem(bytes) }
        return Data(bytes: bytes, count: length)
    }
}
