import Foundation

/// One entry of a Connect error's "details": a protobuf message by its
/// fully qualified type name, its bytes base64 without padding.
struct ConnectErrorDetail {
    let type: String
    let value: [UInt8]

    var json: [String: String] {
        ["type": type, "value": Data(value).base64EncodedString().replacingOccurrences(of: "=", with: "")]
    }

    /// `google.rpc.RequestInfo { string request_id = 1; }`, the request's id.
    static func requestInfo(requestId: String) -> ConnectErrorDetail {
        let id = Array(requestId.utf8)
        var bytes: [UInt8] = [0x0A]          // field 1, length-delimited
        var length = id.count                // varint length
        while length >= 0x80 {
            bytes.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        bytes.append(UInt8(length))
        return ConnectErrorDetail(type: "google.rpc.RequestInfo", value: bytes + id)
    }
}
