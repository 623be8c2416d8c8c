import Foundation
import ReelConcurrency

/// Who may fetch a video's stream without a signature, remembered for a few
/// seconds (REEL_MEDIA_ACCESS_CACHE_SECONDS, 10) so that segments cost no
/// database round trip. This plugin's own edits, deletes and state changes
/// invalidate their entry at once; another host's change is seen when the
/// entry expires.
final class MediaAccessCache: Sendable {
    enum Access: Sendable, Equatable {
        /// Ready and public or unlisted: anyone with the URL.
        case open
        /// Private, or not ready yet: signed URLs only.
        case restricted
        /// No such video.
        case missing

        init(_ video: (visibility: Visibility, state: VideoState)?) {
            guard let video else { self = .missing; return }
            self = video.state == .ready && video.visibility != .private ? .open : .restricted
        }
    }

    private struct Entry {
        let access: Access
        let expires: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Bumped by every invalidation: a load that started before one
        /// must not store what it read (it may be stale).
        var epoch: UInt64 = 0
    }

    private let state = LockedBox(State())
    private let ttlNanos: UInt64
    private let capacity: Int

    init(ttlSeconds: Int, capacity: Int = 50_000) {
        ttlNanos = UInt64(max(0, ttlSeconds)) * 1_000_000_000
        self.capacity = capacity
    }

    /// The remembered access, nil when unknown or expired.
    func lookup(_ videoId: String) -> Access? {
        let now = DispatchTime.now().uptimeNanoseconds
        return state.withLock { state in
            guard let entry = state.entries[videoId], entry.expires > now else { return nil }
            return entry.access
        }
    }

    /// Call before reading the database; pass the result to `store`.
    func beginLoad() -> UInt64 { state.withLock { $0.epoch } }

    /// Remembers what a load read, unless an invalidation came in between.
    func store(_ videoId: String, _ access: Access, loadedAt epoch: UInt64) {
        guard ttlNanos > 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { state in
            guard state.epoch == epoch else { return }
            if state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.value.expires > now }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[videoId] = Entry(access: access, expires: now + ttlNanos)
        }
    }

    func invalidate(_ videoId: String) {
        state.withLock { state in
            state.entries.removeValue(forKey: videoId)
            state.epoch &+= 1
        }
    }
}
