import CReelProtoMethodOptions
import Foundation

/// A Connect unary request, read from a POST (body + headers) or a GET
/// (`?connect=v1&encoding=…&message=…&base64=1&compression=…`, only for
/// methods the .proto marks `idempotency_level = NO_SIDE_EFFECTS`).
struct ConnectRequest {
    enum Codec: String { case proto, json }

    let codec: Codec
    /// The message bytes (or JSON text), decompressed.
    let message: [UInt8]
    /// Whether the response may be gzipped.
    let acceptsGzip: Bool
    /// Connect-Timeout-Ms, in seconds.
    let timeout: Double?

    static let protoType = "application/proto"
    static let jsonType = "application/json"

    /// Whether the .proto marks `method` side-effect free (the table tools/gen-proto derives from proto/).
    static func isSideEffectFree(_ method: String) -> Bool {
        reel_proto_method_has_no_side_effects(method) != 0
    }

    /// The HTTP methods a Connect unary method takes (a 405's Allow).
    static func allowedHTTPMethods(_ method: String) -> [String] {
        isSideEffectFree(method) ? ["GET", "POST"] : ["POST"]
    }

    init(_ request: HTTPRequest, method: String, maxBytes: Int) throws(APIError) {
        acceptsGzip = ConnectEncoding.acceptsGzip(request.header("accept-encoding"))
        timeout = try Self.timeout(request.header("connect-timeout-ms"))
        switch request.method {
        case "POST":
            if let version = request.header("connect-protocol-version"), version != "1" {
                throw .badRequest("unsupported Connect-Protocol-Version \(version); this server speaks 1")
            }
            let contentType = request.contentType ?? ""
            switch contentType {
            case Self.protoType: codec = .proto
            case Self.jsonType: codec = .json
            default:
                throw .unsupportedMediaType(contentType, expected: "\(Self.protoType) or \(Self.jsonType)")
            }
            let encoding = try ConnectEncoding.named(request.header("content-encoding"), header: "Content-Encoding")
            message = try encoding.decode(request.body, limit: maxBytes)
        case "GET":
            guard Self.isSideEffectFree(method) else {
                throw APIError(.unimplemented, "\(method) has side effects: call it with POST", httpStatus: 405)
            }
            let query = Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
            if let version = query["connect"], version != "v1" {
                throw .badRequest("unsupported connect=\(version); this server speaks v1")
            }
            guard let name = query["encoding"], let codec = Codec(rawValue: name) else {
                throw .badRequest("a Connect GET needs encoding=proto or encoding=json")
            }
            self.codec = codec
            guard let text = query["message"] else { throw .badRequest("a Connect GET needs message=") }
            var bytes: [UInt8]
            if query["base64"] == "1" {
                guard let data = Self.base64(text) else { throw .badRequest("message= is not valid base64") }
                bytes = Array(data)
            } else {
                bytes = Array(text.utf8)
            }
            guard bytes.count <= maxBytes else { throw .bodyTooLarge(limit: maxBytes) }
            let encoding = try ConnectEncoding.named(query["compression"], header: "compression")
            bytes = try encoding.decode(bytes, limit: maxBytes)
            message = bytes
        default:
            throw APIError(.unimplemented, "Connect takes POST (and GET for side-effect-free methods)", httpStatus: 405)
        }
    }

    /// Connect-Timeout-Ms: a positive integer of at most 10 digits.
    static func timeout(_ header: String?) throws(APIError) -> Double? {
        guard let header else { return nil }
        guard !header.isEmpty, header.count <= 10, header.allSatisfy(\.isASCII), header.allSatisfy(\.isNumber),
              let millis = Int(header), millis > 0 else {
            throw .badRequest("Connect-Timeout-Ms must be a positive integer of at most 10 digits, not \"\(header)\"")
        }
        return Double(millis) / 1000
    }

    /// base64 in either alphabet, padded or not (GET sends URL-safe without padding).
    static func base64(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            .replacingOccurrences(of: " ", with: "+").replacingOccurrences(of: "=", with: "")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
