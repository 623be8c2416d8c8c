import Foundation

extension Data {
    /// Base64url without padding (RFC 4648 §5, as JWTs use it: RFC 7515
    /// appendix C): tokens, cursors, URL signatures.
    public var base64URLEncoded: String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url without padding; nil for anything else (padding,
    /// or the "+" and "/" of plain base64).
    public init?(base64URLEncoded text: String) {
        guard !text.contains(where: { $0 == "=" || $0 == "+" || $0 == "/" }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
