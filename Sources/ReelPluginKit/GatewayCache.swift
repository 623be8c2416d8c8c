/// The gateway's shared cache of public answers (the host's ResponseCache):
/// a plugin whose public GET answers change drops them here, on the host's
/// topic `host.cache.purge` (proto/reel/host/v1/cache.proto, message
/// `CachePurge`). The host's handler runs inside the publish call: the purge
/// is in effect when `purge` returns. An older host without a cache has no
/// subscriber, and nothing happens.
public enum GatewayCache {
    public static let topic = "host.cache.purge"

    /// Drops every stored answer whose path (with "?" and the raw query, if
    /// any) starts with one of `prefixes` (each starting with "/").
    public static func purge(_ host: PluginHost, prefixes: [String]) {
        guard !prefixes.isEmpty else { return }
        host.publish(topic, message(prefixes: prefixes))
    }

    /// `CachePurge { repeated string path_prefixes = 1; bool all = 2; }`,
    /// encoded by hand (two fields: no generated code in every plugin).
    public static func message(prefixes: [String], all: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for prefix in prefixes {
            bytes.append(0x0a) // field 1, length-delimited
            varint(UInt64(prefix.utf8.count), into: &bytes)
            bytes += prefix.utf8
        }
        if all { bytes += [0x10, 0x01] } // field 2, varint
        return bytes
    }

    private static func varint(_ value: UInt64, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
