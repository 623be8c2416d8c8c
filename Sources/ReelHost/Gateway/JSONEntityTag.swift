import CReelSupport

/// Conditional GETs of JSON routes: a GET answered 200 carries a weak
/// entity tag of its output message (its protobuf bytes: the JSON is made
/// from them), and a request whose `If-None-Match` names it gets 304 with no
/// body (and no JSON conversion). The tag is the same on every host for the
/// same answer, so a client revalidates through any of them.
enum JSONEntityTag {
    /// `W/"<16 hex digits>"`.
    static func of(_ payload: [UInt8]) -> String {
        let hash = payload.withUnsafeBufferPointer { reel_hash64($0.baseAddress, $0.count) }
        return String(unsafeUninitializedCapacity: 20) { text in
            text[0] = UInt8(ascii: "W")
            text[1] = UInt8(ascii: "/")
            text[2] = UInt8(ascii: "\"")
            ASCIIText.writeHex(hash, into: text, at: 3, digits: 16)
            text[19] = UInt8(ascii: "\"")
            return 20
        }
    }

    /// RFC 9110 §13.1.2: `*`, or a comma-separated list of entity tags any of
    /// which matches `tag` by weak comparison (the opaque parts are equal).
    static func matches(ifNoneMatch list: String, _ tag: String) -> Bool {
        let ours = opaque(Substring(tag))
        for item in list.split(separator: ",") {
            let candidate = item.trimmingASCIISpaces()
            if candidate == "*" || opaque(candidate) == ours { return true }
        }
        return false
    }

    private static func opaque(_ tag: Substring) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag
    }
}

private extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}
