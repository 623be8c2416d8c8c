import CMicroHTTPD

/// How a request's body is framed, checked before anything else reads it
/// (RFC 9112 §6): a request whose framing a proxy in front could read
/// differently is refused and its connection closed, so no bytes of it can
/// be taken for the start of another request (request smuggling).
enum RequestFraming {
    /// The refusal for these request headers (every occurrence, names in any
    /// case, in order), or nil when the framing is unambiguous.
    static func refusal(_ headers: [(name: String, value: String)]) -> APIError? {
        // One pass, no copies: most requests carry neither header, so the
        // lists stay empty (and unallocated).
        var lengths: [String] = []
        var codings: [String] = []
        for header in headers {
            // A field name is a token: whitespace before the colon ("Content-Length :")
            // must be refused, or one reader's header is another's unknown one (RFC 9112 §5.1).
            guard isToken(header.name) else {
                return APIError(.invalidArgument, "malformed header name '\(header.name.prefix(64))'", httpStatus: 400)
            }
            switch header.name.utf8.count { // the sizes of the two names, before comparing bytes
            case 14 where HeaderName.equal(header.name, "content-length"): lengths.append(header.value)
            case 17 where HeaderName.equal(header.name, "transfer-encoding"): codings.append(header.value)
            default: break
            }
        }
        if !codings.isEmpty {
            if !lengths.isEmpty {
                return APIError(.invalidArgument, "a request must not carry both Content-Length and Transfer-Encoding",
                                httpStatus: 400)
            }
            let coding = codings.joined(separator: ",").split(separator: ",")
                .map { ASCIIText.lowercased($0.trimmingCharacters(in: [" ", "\t"])) }
            guard coding == ["chunked"] else {
                return APIError(.unimplemented, "unsupported Transfer-Encoding '\(codings.joined(separator: ", "))'; "
                                + "only chunked is understood", httpStatus: 501)
            }
            return nil
        }
        if lengths.count > 1 {
            return APIError(.invalidArgument, "a request must carry at most one Content-Length", httpStatus: 400)
        }
        if let length = lengths.first, length.isEmpty || length.utf8.count > 18
            || !length.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return APIError(.invalidArgument, "Content-Length must be a decimal number of bytes", httpStatus: 400)
        }
        return nil
    }

    /// RFC 9110 §5.6.2 token characters.
    static func isToken(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { !$0.isEmpty && $0.allSatisfy(isTokenByte) }
    }

    /// One byte of a token: letters, digits and "!#$%&'*+-.^_`|~".
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
