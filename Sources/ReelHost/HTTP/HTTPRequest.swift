/// One HTTP request as the host's handlers see it, body complete.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The raw (still percent-encoded) path, without the query string.
    public var path: String
    /// Decoded query parameters in order.
    public var query: [(name: String, value: String)]
    /// Header names lower-cased; the last value wins.
    public var headers: [String: String]
    public var body: [UInt8]
    public var requestId: String
    public var remoteAddress: String
    /// The query string as sent (still escaped), without '?'.
    public var rawQuery: String
    /// The request's W3C trace context (set by the HTTP server).
    public var trace: TraceContext?

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [String: String] = [:], body: [UInt8] = [], requestId: String = "test",
                remoteAddress: String = "127.0.0.1", rawQuery: String = "") {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.requestId = requestId
        self.remoteAddress = remoteAddress
        self.rawQuery = rawQuery
    }

    /// Names are compared lower-cased (a lower-case ASCII name is looked up as it is).
    public func header(_ name: String) -> String? { headers[ASCIIText.lowercased(name)] }

    /// The media type of the body without parameters ("application/json").
    public var contentType: String? {
        header("content-type").map {
            $0.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
    }

    /// Whether the peer is on this machine (admin routes are loopback-only).
    public var isLoopback: Bool {
        remoteAddress.hasPrefix("127.") || remoteAddress == "::1" || remoteAddress.hasPrefix("::ffff:127.")
    }
}

enum PercentDecoding {
    /// Decodes %XX escapes (and '+' as space when `plusIsSpace`); nil when malformed or not UTF-8.
    static func decode(_ s: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let c = it.next() {
            if c == UInt8(ascii: "%") {
                guard let h = it.next(), let l = it.next(), let hv = hex(h), let lv = hex(l) else { return nil }
                bytes.append(hv << 4 | lv)
            } else if c == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(c)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Parses "a=1&b=x%20y" into decoded pairs; nil if any part is malformed.
    static func parseQuery(_ query: Substring) -> [(name: String, value: String)]? {
        var result: [(name: String, value: String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(kv[0], plusIsSpace: true) else { return nil }
            let value = kv.count > 1 ? decode(kv[1], plusIsSpace: true) : ""
            guard let value else { return nil }
            result.append((name, value))
        }
        return result
    }
}
