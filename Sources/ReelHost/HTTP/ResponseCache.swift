import Foundation
import Synchronization

/// The gateway's shared micro-cache (as nginx's `proxy_cache` with a few
/// seconds of validity): a repeated anonymous GET of a public route is
/// answered from memory, without crossing into the plugin. It follows RFC
/// 9111's rules for a shared cache, conservatively (`ResponseCacheRules`):
///
/// - stored: the 200 answer to a GET without credentials (`Authorization`,
///   `Cookie`) on a route whose access is public (`HTTPResponse.shareable`,
///   set by the gateway), whose `Cache-Control` says `public` with
///   `s-maxage` or `max-age` > 0 and none of `private`, `no-store`,
///   `no-cache`; no `Set-Cookie`, `Vary`, `Content-Encoding` or
///   `Content-Range`; a body in memory or a small file (read here, up to
///   `maxBodyBytes`); never a stream.
/// - kept: min(s-maxage or max-age, `REEL_GATEWAY_CACHE_SECONDS`) seconds,
///   at most `maxEntries` answers and `maxBytes` bytes (the least recently
///   used go first), in shards with a lock each (two HTTP threads seldom meet).
/// - answered: GET and HEAD of the same path and raw query, with `Age`;
///   `If-None-Match` naming the stored entity tag gets 304. Requests with
///   `Range`, other preconditions, `Cache-Control: no-cache`/`no-store`/
///   `max-age=0` or `Pragma: no-cache` go to the plugin (and are not stored).
/// - dropped: everything when the plugins change (a load or a hot-swap), and
///   any path prefix a plugin names on `host.cache.purge` (`purge`); a purge
///   also voids every answer still in flight (its ticket), so an answer read
///   before a change is never stored after it.
final class ResponseCache: Sendable {
    struct Limits: Sendable {
        /// Longest time an answer is kept (0: the cache is off).
        var seconds: Int
        var maxEntries: Int
        var maxBytes: Int
        /// Larger bodies (files included) are never stored.
        var maxBodyBytes = 256 * 1024
    }

    /// A stored answer. Immutable: a hit copies nothing but the headers array.
    final class Entry: @unchecked Sendable {
        // @unchecked: `lastUsed` is the one mutable field, touched under its shard's lock.
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        let route: String?
        let etag: String?
        /// Its 304 states the 200's length, as the uncached 304 would: the
        /// video plugin's do; the host's JSON routes' do not (`statesLength`).
        let lengthOn304: Bool
        let storedNanos: UInt64
        let expiresNanos: UInt64
        let size: Int
        /// When it was last answered (the shard's clock), for eviction; under the shard's lock.
        var lastUsed: UInt64 = 0

        init(headers: [(name: String, value: String)], body: [UInt8], route: String?, etag: String?,
             lengthOn304: Bool = true, storedNanos: UInt64, expiresNanos: UInt64, key: String) {
            self.lengthOn304 = lengthOn304
            self.headers = headers
            self.body = body
            self.route = route
            self.etag = etag
            self.storedNanos = storedNanos
            self.expiresNanos = expiresNanos
            size = body.count + key.utf8.count + headers.reduce(64) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 }
        }
    }

    /// Handed out by a miss: the answer may be stored under `key` unless
    /// something was purged meanwhile (`epoch` moved).
    struct Ticket: Sendable {
        let key: String
        let epoch: UInt64
        /// The request's If-None-Match, taken off the request the plugin
        /// sees (with If-Modified-Since, which it overrides): the plugin
        /// answers in full, the cache can keep that, and the condition is
        /// evaluated here (as nginx's proxy_cache fills itself).
        var ifNoneMatch: String?
    }

    enum Lookup {
        /// Answered from memory.
        case hit(HTTPResponse)
        /// Not stored (yet): the answer may be, with this ticket (nil: a HEAD, never stored).
        case miss(Ticket?)
        /// Not for the cache (method, credentials, preconditions, no-cache, a body).
        case bypass
    }

    let limits: Limits
    private let shards: [Shard]
    private let epoch = Atomic<UInt64>(0)
    private let clock: @Sendable () -> UInt64

    /// `clock`: monotonic nanoseconds (injectable for tests).
    init(limits: Limits, clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.limits = limits
        self.clock = clock
        let count = 16
        shards = (0..<count).map { _ in
            Shard(maxEntries: max(1, limits.maxEntries / count), maxBytes: max(1, limits.maxBytes / count))
        }
    }

    var isEnabled: Bool { limits.seconds > 0 && limits.maxEntries > 0 && limits.maxBytes > 0 }

    /// The key: the path and the raw query exactly as received (the path
    /// holds no '?', so the two never run together).
    static func key(path: String, rawQuery: String) -> String {
        rawQuery.isEmpty ? path : path + "?" + rawQuery
    }

    /// Looks a request up. `headers`: by lower-cased name.
    func lookup(method: String, path: String, rawQuery: @autoclosure () -> String, headers: [String: String]) -> Lookup {
        guard isEnabled, method == "GET" || method == "HEAD",
              ResponseCacheRules.requestMayUseCache(headers) else { return .bypass }
        let key = Self.key(path: path, rawQuery: rawQuery())
        let ticket = method == "GET"
            ? Ticket(key: key, epoch: epoch.load(ordering: .acquiring), ifNoneMatch: headers["if-none-match"]) : nil
        let now = clock()
        guard let entry = shard(key).get(key, now: now) else { return .miss(ticket) }
        // The stored headers and Age in one array of the right size (no literal concatenated per hit).
        var answer = [(name: String, value: String)]()
        answer.reserveCapacity(entry.headers.count + 2)
        answer.append(contentsOf: entry.headers)
        answer.append(("Age", String((now &- entry.storedNanos) / 1_000_000_000)))
        if let etag = entry.etag, let ifNoneMatch = headers["if-none-match"],
           JSONEntityTag.matches(ifNoneMatch: ifNoneMatch, etag) {
            // As the uncached 304: no body, the 200's length stated unless JSON (statesLength).
            if entry.lengthOn304 { answer.append(("Content-Length", String(entry.body.count))) }
            var response = HTTPResponse(status: 304, headers: answer)
            response.route = entry.route
            return .hit(response)
        }
        var response = HTTPResponse(status: 200, headers: answer, body: entry.body)
        response.route = entry.route
        return .hit(response)
    }

    /// Stores `response` (the answer to the request `ticket` came from) if
    /// the rules allow. A small file body is read into memory and its
    /// descriptor closed: the returned response is the one to send.
    func store(_ response: HTTPResponse, ticket: Ticket) -> HTTPResponse {
        Self.notModified(keep(response, ticket: ticket), ifNoneMatch: ticket.ifNoneMatch)
    }

    private func keep(_ response: HTTPResponse, ticket: Ticket) -> HTTPResponse {
        guard let freshness = ResponseCacheRules.storableFreshness(response) else { return response }
        let seconds = min(freshness, limits.seconds)
        guard seconds > 0 else { return response }
        var sent = response
        if let file = response.file {
            guard file.length <= UInt64(limits.maxBodyBytes), let bytes = Self.read(file) else { return response }
            close(file.fd)
            sent.file = nil
            sent.body = bytes
        } else if response.body.count > limits.maxBodyBytes {
            return response
        }
        let headers = sent.headers.filter {
            !HeaderName.equal($0.name, "Content-Length") && !HeaderName.equal($0.name, "Age")
                && !HeaderName.equal($0.name, "Connection")
        }
        let now = clock()
        let entry = Entry(headers: headers, body: sent.body, route: sent.route, etag: sent.header("ETag"),
                          lengthOn304: Self.statesLength(response), storedNanos: now,
                          expiresNanos: now &+ UInt64(seconds) * 1_000_000_000, key: ticket.key)
        shard(ticket.key).put(ticket.key, entry, valid: { self.epoch.load(ordering: .acquiring) == ticket.epoch })
        return sent
    }

    /// A full answer to a request whose If-None-Match (taken off before the
    /// plugin saw it) names its entity tag becomes the 304 the plugin would
    /// have given: the same headers, no body, and the 200's length stated
    /// unless JSON (`statesLength`).
    static func notModified(_ response: HTTPResponse, ifNoneMatch: String?) -> HTTPResponse {
        guard let ifNoneMatch, response.status == 200, response.stream == nil, let tag = response.header("ETag"),
              JSONEntityTag.matches(ifNoneMatch: ifNoneMatch, tag) else { return response }
        var answer = response
        answer.headers = response.headers.filter { !HeaderName.equal($0.name, "Content-Length") }
        if statesLength(response) {
            answer.headers.append(("Content-Length", String(response.file.map { Int($0.length) } ?? response.body.count)))
        }
        if let file = response.file { close(file.fd) }
        answer.file = nil
        answer.body = []
        answer.status = 304
        return answer
    }

    /// Whether a 304 for this answer states its length: not for JSON (the
    /// host's JSON routes answer 304 without; some clients, wrk's parser
    /// among them, then wait for the body), yes for the rest (RFC 9110 §8.6).
    static func statesLength(_ response: HTTPResponse) -> Bool {
        !(response.header("Content-Type").map(SecurityHeaders.isJSON) ?? false)
    }

    /// Drops every answer whose key starts with one of `prefixes` (and voids
    /// the answers in flight).
    func purge(prefixes: [String]) {
        guard !prefixes.isEmpty else { return }
        epoch.add(1, ordering: .sequentiallyConsistent)
        for shard in shards { shard.remove { key in prefixes.contains { key.hasPrefix($0) } } }
    }

    /// Drops everything (the plugins changed).
    func purgeAll() {
        epoch.add(1, ordering: .sequentiallyConsistent)
        for shard in shards { shard.remove { _ in true } }
    }

    /// Answers stored now (for tests and logs).
    var count: Int { shards.reduce(0) { $0 + $1.count } }

    private func shard(_ key: String) -> Shard {
        var hasher = Hasher()
        hasher.combine(key)
        return shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(shards.count))]
    }

    /// The whole of a small file (pread: the descriptor's offset is not moved).
    private static func read(_ file: HTTPResponse.FileBody) -> [UInt8]? {
        let length = Int(file.length)
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        let ok = bytes.withUnsafeMutableBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return length == 0 }
            while done < length {
                let n = pread(file.fd, base + done, length - done, off_t(file.offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        return ok ? bytes : nil
    }
}

/// One part of the cache: a dictionary under its own lock, bounded by
/// entries and bytes (least recently used out first: a scan, on inserts
/// over the bound only).
private final class Shard: @unchecked Sendable {
    // @unchecked: every field below is touched under `lock` only.
    private let lock = NSLock()
    private var entries: [String: ResponseCache.Entry] = [:]
    private var bytes = 0
    private var tick: UInt64 = 0
    private let maxEntries: Int
    private let maxBytes: Int

    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    var count: Int { lock.withLock { entries.count } }

    func get(_ key: String, now: UInt64) -> ResponseCache.Entry? {
        lock.withLock {
            guard let entry = entries[key] else { return nil }
            guard now < entry.expiresNanos else {
                entries.removeValue(forKey: key)
                bytes -= entry.size
                return nil
            }
            tick &+= 1
            entry.lastUsed = tick
            return entry
        }
    }

    /// Inserts unless `valid` (checked under the lock, so a purge that
    /// comes after cannot miss the entry) says the answer is void.
    func put(_ key: String, _ entry: ResponseCache.Entry, valid: () -> Bool) {
        guard entry.size <= maxBytes else { return }
        lock.withLock {
            guard valid() else { return }
            if let old = entries.removeValue(forKey: key) { bytes -= old.size }
            while !entries.isEmpty, entries.count >= maxEntries || bytes + entry.size > maxBytes {
                guard let victim = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) else { break }
                entries.removeValue(forKey: victim.key)
                bytes -= victim.value.size
            }
            tick &+= 1
            entry.lastUsed = tick
            entries[key] = entry
            bytes += entry.size
        }
    }

    func remove(where matches: (String) -> Bool) {
        lock.withLock {
            for (key, entry) in entries where matches(key) {
                entries.removeValue(forKey: key)
                bytes -= entry.size
            }
        }
    }
}
