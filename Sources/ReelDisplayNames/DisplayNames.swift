import CReelProtoAuth
import Foundation
import ReelConcurrency
import ReelPluginKit

/// People's display names for plugins that show them next to content (video
/// owners, comment authors), from the auth plugin over the bus
/// (AuthService/GetUserProfiles) — never stored with the content, so a rename
/// shows: one batched call per page, answers kept for `ttlSeconds`
/// (REEL_DISPLAY_NAME_TTL_SECONDS, a shared key, default 30). Without the auth
/// plugin (or when it fails) names are "" and nothing is kept.
public final class DisplayNames: Sendable {
    static let maxEntries = 10_000
    static let batchSize = 500

    private struct Entry: Sendable {
        let name: String
        let expires: Double
    }

    private let host: PluginHost
    private let ttlSeconds: Double
    private let cache = LockedBox<[String: Entry]>([:])

    /// `ttlSeconds` nil: REEL_DISPLAY_NAME_TTL_SECONDS, else 30 (0 to 3600).
    public init(host: PluginHost, ttlSeconds: Double? = nil) {
        self.host = host
        let configured = ttlSeconds ?? host.config("REEL_DISPLAY_NAME_TTL_SECONDS").flatMap { Double($0) }
        self.ttlSeconds = configured.map { max(0, min($0, 3600)) } ?? 30
    }

    /// A name for every id of `ids` ("" when unknown).
    public func names(for ids: [String]) async -> [String: String] {
        let now = Date().timeIntervalSince1970
        let (known, missing) = cache.withLock { cache -> ([String: String], [String]) in
            var known: [String: String] = [:]
            var missing: [String] = []
            for id in Set(ids) {
                if let entry = cache[id], entry.expires > now { known[id] = entry.name } else { missing.append(id) }
            }
            return (known, missing)
        }
        var names = known
        for start in stride(from: 0, to: missing.count, by: Self.batchSize) {
            let batch = Array(missing[start..<min(start + Self.batchSize, missing.count)])
            guard let fetched = await fetch(batch) else {
                batch.forEach { names[$0] = "" }
                continue
            }
            let ttl = ttlSeconds
            cache.withLock { cache in
                if cache.count + batch.count > Self.maxEntries { cache = cache.filter { $0.value.expires > now } }
                if cache.count + batch.count > Self.maxEntries { cache.removeAll() }
                for id in batch { cache[id] = Entry(name: fetched[id] ?? "", expires: now + ttl) }
            }
            batch.forEach { names[$0] = fetched[$0] ?? "" }
        }
        return names
    }

    private func fetch(_ ids: [String]) async -> [String: String]? {
        let arena = ProtoArena()
        var request = Reel__Auth__V1__GetUserProfilesRequest()
        reel__auth__v1__get_user_profiles_request__init(&request)
        request.n_ids = ids.count
        request.ids = arena.strings(ids)
        do {
            let bytes = try await host.call("reel.auth.v1.AuthService/GetUserProfiles", Proto.pack(&request))
            let answer = try Proto.unpack(bytes, as: Reel__Auth__V1__UserProfiles.self, "reel.auth.v1.UserProfiles")
            var names: [String: String] = [:]
            for index in 0..<answer.message.n_profiles {
                guard let profile = answer.message.profiles[index]?.pointee else { continue }
                names[Proto.string(profile.id)] = Proto.string(profile.display_name)
            }
            return names
        } catch {
            host.log(.debug, "display names unavailable: \(error)")
            return nil
        }
    }
}
