/// The reverse proxies whose `X-Forwarded-For` the host believes
/// (`REEL_TRUSTED_PROXIES`: IPv4 addresses or CIDR blocks, separated by
/// commas or spaces). Behind one, every connection comes from the proxy; the
/// client is the last address the proxy appended. From anyone else the header
/// is ignored, so a client cannot choose its own address (for throttles,
/// registration limits and logs).
struct TrustedProxies: Sendable {
    private var blocks: [(network: UInt32, mask: UInt32)] = []

    init() {}

    /// Entries that are not an IPv4 address or block are skipped.
    init(parsing text: String) {
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let parts = entry.split(separator: "/", maxSplits: 1)
            guard let address = Self.ipv4(parts[0]) else { continue }
            var bits = 32
            if parts.count == 2 {
                guard let n = Int(parts[1]), (0...32).contains(n) else { continue }
                bits = n
            }
            let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
            blocks.append((address & mask, mask))
        }
    }

    var isEmpty: Bool { blocks.isEmpty }

    func contains(_ address: String) -> Bool {
        let plain = address.hasPrefix("::ffff:") ? address.dropFirst(7) : Substring(address)
        guard let value = Self.ipv4(plain) else { return false }
        return blocks.contains { value & $0.mask == $0.network }
    }

    /// The client's address: the last `X-Forwarded-For` entry when the peer
    /// is a trusted proxy and that entry is an address, else the peer.
    func clientAddress(peer: String, forwardedFor: String?) -> String {
        guard !blocks.isEmpty, let forwardedFor, contains(peer),
              let last = forwardedFor.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              Self.ipv4(Substring(last)) != nil || Self.isIPv6(last) else { return peer }
        return last
    }

    static func ipv4(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy(\.isASCII), let n = UInt32(octet), n <= 255 else { return nil }
            value = value << 8 | n
        }
        return value
    }

    private static func isIPv6(_ text: String) -> Bool {
        text.contains(":") && text.count <= 45 && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
