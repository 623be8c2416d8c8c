import Foundation
import ReelConcurrency

/// Answers that are the same for every caller, in memory: the catalog's first
/// pages (`GET /api/v1/videos` without a cursor, with or without a tag or a
/// search) and single videos anyone may see (`GET /api/v1/videos/{id}` of a
/// ready, public or unlisted video; the answer names no caller), answered
/// without a query while the catalog is unchanged. At most `maxEntries`
/// answers and `maxBytes` bytes are kept (the oldest go first).
///
/// View counts are not a change: counting a view neither drops the pages
/// here nor NOTIFYs (migration 6), so the views shown on pages and on other
/// hosts, and the order of the `sort=views` page, may lag by up to
/// `maxAgeSeconds`; the host that counted it drops that video's answer.
///
/// Unchanged means: no version bump since the page was read. The version
/// moves (and every page is dropped)
/// - when a method of this plugin that writes videos returns (`changed()`,
///   so a client sees its own edit on its next request), and
/// - on every NOTIFY on `channel`, which a statement trigger on
///   `video.videos` sends after any change, made by any host sharing the
///   database or by hand (a `ChannelListener`, ReelPostgres). Other hosts' changes show
///   once the notification arrives (milliseconds).
/// While the listener is not connected nothing is served from memory. A page
/// also lives at most `maxAgeSeconds` (REEL_VIDEO_CATALOG_CACHE_SECONDS, 10;
/// 0 turns the cache off): the owners' display names on it, already cached
/// for REEL_DISPLAY_NAME_TTL_SECONDS, may lag a rename by that much more.
final class CatalogCache: Sendable {
    static let channel = "reel_video_catalog"

    enum Key: Hashable, Sendable {
        /// A first page (no cursor); tag and search as validated, nil when absent.
        case page(order: CatalogCursor.Order, limit: Int, tag: String?, search: String?)
        /// One video, by canonical id, visible to anonymous callers.
        case video(id: String)
    }

    static let maxEntries = 512
    static let maxBytes = 16 << 20

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
        var bytes = 0
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
            guard state.listening, state.version == ticket.version, page.count <= Self.maxBytes / 8 else { return }
            if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.page.count }
            while !state.entries.isEmpty,
                  state.entries.count >= Self.maxEntries || state.bytes + page.count > Self.maxBytes {
                // The oldest goes (a scan of at most maxEntries, on a miss only).
                guard let oldest = state.entries.min(by: { $0.value.storedNanos < $1.value.storedNanos }) else { break }
                state.entries.removeValue(forKey: oldest.key)
                state.bytes -= oldest.value.page.count
            }
            state.entries[key] = Entry(version: ticket.version, storedNanos: now, page: page)
            state.bytes += page.count
        }
    }

    /// A view of this video was counted here: its own answer goes, so this
    /// host shows the new count at once (pages, and other hosts, may lag by
    /// up to `maxAgeSeconds`; a view is not a change, see the type's notes).
    func forget(_ key: Key) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.page.count }
        }
    }

    /// Something in `video.videos` changed (here or on another host): drop every page.
    func changed() {
        state.withLock { state in
            state.version &+= 1
            state.entries.removeAll()
            state.bytes = 0
        }
    }

    /// The listener (re)connected, or lost its connection: notifications
    /// may have been missed either way, so every page goes.
    func setListening(_ listening: Bool) {
        state.withLock { state in
            state.listening = listening
            state.version &+= 1
            state.entries.removeAll()
            state.bytes = 0
        }
    }
}
