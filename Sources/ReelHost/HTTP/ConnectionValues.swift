import CMicroHTTPD
import Foundation

/// Reading a connection's headers, query arguments and peer address from
/// libmicrohttpd.
extension HTTPServer {
    /// The request headers in one pass: by lower-cased name (the last value
    /// wins), and every occurrence in the order sent (for RequestFraming).
    static func headers(_ connection: OpaquePointer) -> (byName: [String: String], all: [(name: String, value: String)]) {
        var byName: [String: String] = [:]
        var all: [(name: String, value: String)] = []
        all.reserveCapacity(8)
        forEachValue(connection, kind: MHD_ValueKind.HEADER_KIND) { key, value in
            let value = value ?? ""
            byName[ASCIIText.lowercased(key)] = value
            all.append((key, value))
        }
        return (byName, all)
    }

    /// The query arguments in one pass: decoded pairs in order, and the
    /// query string as the client sent it (arguments are kept escaped).
    static func query(_ connection: OpaquePointer) -> (decoded: [(name: String, value: String)], raw: String) {
        var decoded: [(name: String, value: String)] = []
        var raw = ""
        forEachValue(connection, kind: MHD_ValueKind.GET_ARGUMENT_KIND) { key, value in
            if !raw.isEmpty { raw += "&" }
            raw += key
            if let value { raw += "="; raw += value }
            let name = PercentDecoding.decode(Substring(key), plusIsSpace: true) ?? key
            let text = value.flatMap { PercentDecoding.decode(Substring($0), plusIsSpace: true) } ?? (value ?? "")
            decoded.append((name, text))
        }
        return (decoded, raw)
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
                var a = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
                written = inet_ntop(AF_INET, &a, base, socklen_t(text.count))
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

/// Carries a Swift closure through libmicrohttpd's iterator callback.
private final class ValueVisitor {
    let visit: (String, String?) -> Void
    init(_ visit: @escaping (String, String?) -> Void) { self.visit = visit }
}
