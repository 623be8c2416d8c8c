import Foundation
import ReelConcurrency

/// The catalog's first pages in memory: `GET /api/v1/videos` without a
/// cursor, tag or search (what every visitor's front page asks), answered
/// without a query while the catalog is unchanged.
///
/// Unchanged means: no version bump since the page was read. The version
/// moves (and every page is dropped)
/// - when a method of this plugin that writes videos returns (`changed()`,
///   so a client sees its own edit on its next request), and
/// - on every NOTIFY on `channel`, which a statement trigger on
///   `video.videos` sends after any change, made by any host sharing the
///   database or by hand (`CatalogListener`). Other hosts' changes show
///   once the notification arrives (milliseconds).
/// While the listener is not connected nothing is served from memory. A page
/// also lives at most `maxAgeSeconds` (REEL_VIDEO_CATALOG_CACHE_SECONDS, 10;
/// 0 turns the cache off): the owners' display names on it, already cached
/// for REEL_DISPLAY_NAME_TTL_SECONDS, may lag a rename by that much more.
final class CatalogCache: Sendable {
    static let channel = "reel_video_catalog"

    struct Key: Hashable, Sendable {
        let order: CatalogCursor.Order
        let limit: Int
    }

    /// The version a page is read at; `store` keeps the page only if no change came in between.
    struct Ticket: Sendable {
        fileprivate let version: UInt64
    }

    private struct Entry: Sendable {
        let version: UInt64
        let storedNanos: UInt64
        let page: [UInt8]
    }

    private struct State: Sendable {
        var version: UInt64 = 0
        var listening = false
        var entries: [Key: Entry] = [:]
    }

    private let state = LockedBox(State())
    private let maxAgeNanos: UInt64

    init(maxAgeSeconds: Int) {
        maxAgeNanos = UInt64(max(0, maxAgeSeconds)) * 1_000_000_000
    }

    var isEnabled: Bool { maxAgeNanos > 0 }

    /// The stored page for `key`, if the catalog has not changed since and it is young enough.
    func page(_ key: Key) -> [UInt8]? {
        guard isEnabled else { return nil }
        let now = DispatchTime.now().uptimeNanoseconds
        return state.withLock { state in
            guard state.listening, let entry = state.entries[key], entry.version == state.version,
                  now &- entry.storedNanos < maxAgeNanos else { return nil }
            return entry.page
        }
    }

    /// Taken before the query; nil when pages cannot be kept (off, or not listening).
    func ticket() -> Ticket? {
        guard isEnabled else { return nil }
        return state.withLock { $0.listening ? Ticket(version: $0.version) : nil }
    }

    /// Keeps `page`, read at `ticket`, unless the catalog changed since.
    func store(_ page: [UInt8], for key: Key, ticket: Ticket) {
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { state in
            guard state.listening, state.version == ticket.version else { return }
            state.entries[key] = Entry(version: ticket.version, storedNanos: now, page: page)
        }
    }

    /// Something in `video.videos` changed (here or on another host): drop every page.
    func changed() {
        state.withLock { state in
            state.version &+= 1
            state.entries.removeAll()
        }
    }

    /// The listener (re)connected, or lost its connection: notifications
    /// may have been missed either way, so every page goes.
    func setListening(_ listening: Bool) {
        state.withLock { state in
            state.listening = listening
            state.version &+= 1
            state.entries.removeAll()
        }
    }
}
