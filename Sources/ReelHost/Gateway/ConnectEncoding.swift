import Foundation
import CReelGzip

/// The Connect protocol's compression (Content-Encoding / Accept-Encoding for
/// unary calls, the `compression` query parameter for GET): gzip and identity.
/// Inflating is bounded: a body that would inflate past the limit is refused
/// as soon as it passes it (a gzip bomb costs at most the limit).
enum ConnectEncoding: String, Sendable {
    case identity
    case gzip

    /// What this server accepts, as its Accept-Encoding lists it.
    static let accepted = "gzip, identity"

    /// Responses smaller than this go uncompressed even when gzip is accepted.
    static let compressMinBytes = 256

    /// The encoding a request names; absent is identity, anything else unimplemented.
    static func named(_ name: String?, header: String) throws(APIError) -> ConnectEncoding {
        guard let name, !name.isEmpty else { return .identity }
        guard let encoding = ConnectEncoding(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw APIError(.unimplemented,
                           "unsupported \(header) \"\(name)\"; this server accepts \(accepted)")
        }
        return encoding
    }

    /// Whether an Accept-Encoding list includes gzip (with a non-zero q).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.first == "gzip" else { return false }
            return !parts.dropFirst().contains { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }
        }
    }

    func decode(_ body: [UInt8], limit: Int) throws(APIError) -> [UInt8] {
        switch self {
        case .identity:
            return body
        case .gzip:
            var out: UnsafeMutablePointer<UInt8>?
            var length = 0
            let rc = body.withUnsafeBufferPointer { reel_gunzip($0.baseAddress, $0.count, limit, &out, &length) }
            defer { free(out) }
            switch rc {
            case Int32(REEL_GZIP_OK):
                guard let out else { return [] }
                return Array(UnsafeBufferPointer(start: out, count: length))
            case Int32(REEL_GZIP_TOO_LARGE):
                throw APIError(.resourceExhausted,
                               "the request body inflates past the limit of \(limit) bytes", httpStatus: 413)
            case Int32(REEL_GZIP_MALFORMED):
                throw .badRequest("the request body is not valid gzip")
            default:
                throw APIError(.resourceExhausted, "cannot inflate the request body")
            }
        }
    }

    static func gzip(_ body: [UInt8]) -> [UInt8]? {
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        let rc = body.withUnsafeBufferPointer { reel_gzip($0.baseAddress, $0.count, &out, &length) }
        defer { free(out) }
        guard rc == Int32(REEL_GZIP_OK), let out else { return nil }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }
}
