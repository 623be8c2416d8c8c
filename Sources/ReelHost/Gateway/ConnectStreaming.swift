import Foundation

/// The Connect protocol's streaming framing, for server-streaming methods
/// over HTTP/1.1 (ABI 1.3 routes flagged REEL_HTTP_ROUTE_CONNECT_STREAM):
/// `application/connect+proto` or `+json`; every message in an envelope (a
/// flags byte, a big-endian uint32 length, the message), and a last envelope
/// with flag 0x02 holding the end-of-stream JSON: `{}` or
/// `{"error": {"code", "message"}}`. Any plugin's streaming method reuses it.
enum ConnectStreaming {
    static let protoType = "application/connect+proto"
    static let jsonType = "application/connect+json"

    enum Codec: Sendable {
        case proto, json
        var contentType: String { self == .proto ? ConnectStreaming.protoType : ConnectStreaming.jsonType }
    }

    static func codec(contentType: String?) -> Codec? {
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch type {
        case protoType: return .proto
        case jsonType: return .json
        default: return nil
        }
    }

    /// One envelope: flags (0: a message, 0x02: the end of the stream), length, data.
    static func envelope(_ data: [UInt8], flags: UInt8 = 0) -> [UInt8] {
        let length = UInt32(clamping: data.count)
        return [flags, UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)] + data
    }

    /// The one message of a server-streaming request body, inflated when
    /// its envelope is flagged compressed (0x01) with `encoding` (the
    /// request's Connect-Content-Encoding), at most `limit` bytes inflated.
    static func unwrap(_ body: [UInt8], encoding: ConnectEncoding = .identity, limit: Int = .max) throws(APIError) -> [UInt8] {
        guard body.count >= 5 else { throw .badRequest("the request is not a Connect envelope (5-byte prefix, then the message)") }
        let length = Int(body[1]) << 24 | Int(body[2]) << 16 | Int(body[3]) << 8 | Int(body[4])
        guard body.count == 5 + length else {
            throw .badRequest("a server-streaming request holds exactly one message (\(body.count - 5) bytes, the envelope says \(length))")
        }
        let message = Array(body[5...])
        guard body[0] & 0x01 != 0 else { return message }
        guard encoding != .identity else {
            throw .badRequest("the message is flagged compressed but Connect-Content-Encoding names no compression")
        }
        return try encoding.decode(message, limit: limit)
    }

    /// The end-of-stream message (always JSON), as an envelope.
    static func endStream(_ error: APIError?) -> [UInt8] {
        var object: [String: Any] = [:]
        if let error { object["error"] = ["code": error.status.codeName, "message": error.message] }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return envelope(Array(data), flags: 0x02)
    }

    /// A stream that fails before its first message: 200 and the end-of-stream error.
    static func errorResponse(_ error: APIError, codec: Codec) -> HTTPResponse {
        .bytes(200, contentType: codec.contentType, endStream(error))
    }
}
