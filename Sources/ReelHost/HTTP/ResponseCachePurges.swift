import CProtobufC
import CReelProtoHost

/// Drops the shared cache's answers a plugin names on `host.cache.purge`
/// (proto/reel/host/v1/cache.proto), and all of them when the plugins change.
/// The host names no plugin and no path: each plugin purges its own.
enum ResponseCachePurges {
    static let topic = "host.cache.purge"

    static func subscribe(_ cache: ResponseCache, on subscriptions: HostSubscriptions) {
        subscriptions.subscribe(topic) { [cache] payload in
            guard let purge = decode(payload) else { return }
            if purge.all { cache.purgeAll() } else { cache.purge(prefixes: purge.prefixes) }
        }
    }

    /// The message's prefixes (those starting with "/"), or nil when malformed.
    static func decode(_ payload: [UInt8]) -> (all: Bool, prefixes: [String])? {
        guard let message = payload.withUnsafeBufferPointer({ reel__host__v1__cache_purge__unpack(nil, $0.count, $0.baseAddress) })
        else { return nil }
        defer { reel__host__v1__cache_purge__free_unpacked(message, nil) }
        let prefixes = (0..<Int(message.pointee.n_path_prefixes)).compactMap { index -> String? in
            guard let text = message.pointee.path_prefixes[index] else { return nil }
            let prefix = String(cString: text)
            return prefix.hasPrefix("/") ? prefix : nil
        }
        return (message.pointee.all != 0, prefixes)
    }
}
