import CMicroHTTPD
import Foundation

/// Reading a connection's headers, query arguments and peer address from
/// libmicrohttpd.
extension HTTPServer {
    /// The request headers in one pass: by lower-cased name (the last value
    /// wins), every occurrence in the order sent (for RequestFraming), and
    /// the few the server reads itself on every request.
    static func headers(_ connection: OpaquePointer) -> RequestHeaders {
        // Sized once: growing a dictionary rehashes every name.
        let count = max(0, Int(MHD_get_connection_values(connection, MHD_ValueKind.HEADER_KIND, nil, nil)))
        var headers = RequestHeaders(byName: [String: String](minimumCapacity: max(count, 1)), all: [])
        headers.all.reserveCapacity(count)
        forEachValue(connection, kind: MHD_ValueKind.HEADER_KIND) { key, value in
            let value = value ?? ""
            let name = ASCIIText.lowercased(key)
            headers.byName[name] = value
            headers.all.append((key, value))
            headers.note(name, value)
        }
        return headers
    }

    /// The query arguments in one pass: decoded pairs in order, and the
    /// query string as the client sent it (arguments are kept escaped).
    static func query(_ connection: OpaquePointer) -> (decoded: [(name: String, value: String)], raw: String) {
        var decoded: [(name: String, value: String)] = []
        var raw = ""
        // Most requests have no query: counted first (no iteration set up for none).
        guard MHD_get_connection_values(connection, MHD_ValueKind.GET_ARGUMENT_KIND, nil, nil) > 0 else {
            return (decoded, raw)
        }
        forEachValue(connection, kind: MHD_ValueKind.GET_ARGUMENT_KIND) { key, value in
            appendRaw(&raw, key, value)
            let name = PercentDecoding.decode(Substring(key), plusIsSpace: true) ?? key
            let text = value.flatMap { PercentDecoding.decode(Substring($0), plusIsSpace: true) } ?? (value ?? "")
            decoded.append((name, text))
        }
        return (decoded, raw)
    }

    /// The query string as `query(_:)` gives it (`raw`), without decoding
    /// the arguments (the gateway cache's key needs only this).
    static func rawQuery(_ connection: OpaquePointer) -> String {
        var raw = ""
        guard MHD_get_connection_values(connection, MHD_ValueKind.GET_ARGUMENT_KIND, nil, nil) > 0 else { return raw }
        forEachValue(connection, kind: MHD_ValueKind.GET_ARGUMENT_KIND) { key, value in appendRaw(&raw, key, value) }
        return raw
    }

    private static func appendRaw(_ raw: inout String, _ key: String, _ value: String?) {
        if !raw.isEmpty { raw += "&" }
        raw += key
        if let value { raw += "="; raw += value }
    }

    static func forEachValue(_ connection: OpaquePointer, kind: MHD_ValueKind, _ body: (String, String?) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = ValueVisitor(body)
            let unmanaged = Unmanaged.passRetained(box)
            defer { unmanaged.release() }
            _ = MHD_get_connection_values(connection, kind, { cls, _, key, value in
                guard let cls, let key else { return MHD_Result.YES }
                let visitor = Unmanaged<ValueVisitor>.fromOpaque(cls).takeUnretainedValue()
                visitor.visit(String(cString: key), value.map { String(cString: $0) })
                return MHD_Result.YES
            }, unmanaged.toOpaque())
        }
    }

    /// The peer's numeric address (inet_ntop: getnameinfo does the same
    /// with more work, on every request).
    static func peerAddress(_ connection: OpaquePointer) -> String {
        guard let address = reel_mhd_client_addr(connection) else { return "" }
        let raw = UnsafeRawPointer(address)
        // On the stack: this runs for every request.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { text in
            guard let base = text.baseAddress else { return "" }
            let written: UnsafePointer<CChar>?
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                // Dotted quad written here: inet_ntop formats each byte with sprintf.
                let a = raw.loadUnaligned(as: sockaddr_in.self).sin_addr.s_addr
                return Self.dottedQuad(a)
            case AF_INET6:
                var a = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
                written = inet_ntop(AF_INET6, &a, base, socklen_t(text.count))
            default: written = nil
            }
            guard written != nil else { return "" }
            return String(cString: base)
        }
    }
}

/// A request's headers as `HTTPServer.headers` reads them.
struct RequestHeaders {
    /// By lower-cased name; the last value wins.
    var byName: [String: String]
    /// Every occurrence, names as sent, in order.
    var all: [(name: String, value: String)]
    /// The headers the server reads on every request, kept as they go by
    /// (the same last values as `byName`, without a lookup each).
    private(set) var requestId: String?
    private(set) var forwardedFor: String?
    private(set) var traceparent: String?
    private(set) var tracestate: String?
    private(set) var contentLength: String?
    private(set) var transferEncoding: String?

    init(byName: [String: String], all: [(name: String, value: String)]) {
        self.byName = byName
        self.all = all
    }

    /// Keeps `value` if `name` (lower-cased) is one of the server's own.
    mutating func note(_ name: String, _ value: String) {
        switch name.utf8.count { // the names' sizes first: most headers are none of these
        case 12 where name == "x-request-id": requestId = value
        case 15 where name == "x-forwarded-for": forwardedFor = value
        case 11 where name == "traceparent": traceparent = value
        case 10 where name == "tracestate": tracestate = value
        case 14 where name == "content-length": contentLength = value
        case 17 where name == "transfer-encoding": transferEncoding = value
        default: break
        }
    }
}

extension HTTPServer {
    /// An IPv4 address (network byte order) as inet_ntop writes it: "a.b.c.d",
    /// no leading zeros (at most 15 bytes: a small string, no allocation).
    static func dottedQuad(_ address: in_addr_t) -> String {
        withUnsafeBytes(of: address) { octets in
            String(unsafeUninitializedCapacity: 15) { text in
                var count = 0
                for (index, octet) in octets.enumerated() {
                    if index > 0 { text[count] = UInt8(ascii: "."); count += 1 }
                    if octet >= 100 { text[count] = UInt8(ascii: "0") + octet / 100; count += 1 }
                    if octet >= 10 { text[count] = UInt8(ascii: "0") + octet / 10 % 10; count += 1 }
                    text[count] = UInt8(ascii: "0") + octet % 10
                    count += 1
                }
                return count
            }
        }
    }
}

/// Carries a Swift closure through libmicrohttpd's iterator callback.
private final class ValueVisitor {
    let visit: (String, String?) -> Void
    init(_ visit: @escaping (String, String?) -> Void) { self.visit = visit }
}
