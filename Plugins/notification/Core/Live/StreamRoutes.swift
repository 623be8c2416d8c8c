import CReelABI
import CReelProtoNotification
import Foundation
import ReelEncoding
import ReelPluginKit

/// GET /api/v1/me/notifications/stream: the feed as Server-Sent Events.
/// Signed in with the Authorization header (the host checks it) or, for a
/// browser's EventSource, `?ticket=` from CreateStreamTicket. An access
/// token in the query string is refused (400): URLs end up in logs.
enum StreamRoutes {
    static let ssePath = "/api/v1/me/notifications/stream"

    static let connectPath = "/rpc/reel.notification.v1.NotificationService/Stream"

    static var all: [HTTPRoute<NotificationService>] {
        [HTTPRoute("GET", ssePath, access: .public) { service, head, responder in
            // Work that needs the database happens once the (empty) body is in, off the I/O thread.
            AfterBody { aborted, _ in
                guard !aborted else { return }
                Task { await service.openEventStream(head, responder) }
            }
        },
         // The same feed for Connect clients (server streaming; the host does the framing).
         HTTPRoute("POST", connectPath, access: .user, maxBodyBytes: 4096, connectStream: true) { service, head, responder in
            AfterBody { aborted, body in
                guard !aborted else { return }
                Task { await service.openConnectStream(head, request: body, responder) }
            }
        }]
    }

    /// The query's parameters, decoded.
    static func query(_ raw: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in raw.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let name = (parts.first ?? "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value = (parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            result[name] = value
        }
        return result
    }

    /// Query names that would carry a credential in a URL.
    static let credentialNames: Set<String> = ["access_token", "accesstoken", "token", "authorization", "bearer", "jwt"]
}

/// Gathers a small request body; runs `done` with it once it is complete.
final class AfterBody: HTTPBodyReceiver, @unchecked Sendable {
    private let done: @Sendable (Bool, [UInt8]) -> Void
    private let lock = NSLock()
    private var body: [UInt8] = []
    init(_ done: @escaping @Sendable (Bool, [UInt8]) -> Void) { self.done = done }
    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        lock.withLock { body.append(contentsOf: chunk) }
        return true
    }
    func finish(aborted: Bool) { done(aborted, lock.withLock { body }) }
}

extension NotificationService {
    func openEventStream(_ head: HTTPRequestHead, _ responder: HTTPResponder) async {
        let query = StreamRoutes.query(head.query)
        if query.keys.contains(where: { StreamRoutes.credentialNames.contains($0.lowercased()) }) {
            return responder.replyError(status: 400, code: "invalid_argument",
                                        message: "never put an access token in a URL: send the Authorization header, "
                                            + "or use a ticket from POST /api/v1/me/notifications/stream-ticket")
        }
        var user = UUIDs.canonical(head.callerUserId)
        if user == nil, let ticket = query["ticket"], !ticket.isEmpty {
            user = try? await database.withConnection { c in try TicketStore.redeem(c, ticket: ticket) }
            if user == nil {
                return responder.replyError(status: 401, code: "unauthenticated",
                                            message: "the stream ticket is unknown, expired or already used",
                                            headers: [("WWW-Authenticate", "Bearer realm=\"reel\"")])
            }
        }
        guard let user else {
            return responder.replyError(status: 401, code: "unauthenticated",
                                        message: "sign in: send the Authorization header or a stream ticket",
                                        headers: [("WWW-Authenticate", "Bearer realm=\"reel\"")])
        }
        var after: Int64
        if let text = head.header("last-event-id") ?? query["lastEventId"], !text.isEmpty {
            guard let id = Int64(text), id >= 0 else {
                return responder.replyError(status: 400, code: "invalid_argument", message: "Last-Event-ID must be a notification id")
            }
            after = id
        } else {
            do {
                after = try await database.withConnection { c in try TicketStore.latestId(c, user: user) }
            } catch {
                return responder.replyError(status: 503, code: "unavailable", message: "the notification store is unavailable")
            }
        }
        let subscriberBox = LockedBoxRef<LiveFeed.Subscriber>()
        let feed = live
        guard let stream = responder.startStream(status: 200, headers: [
            ("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-store"), ("X-Accel-Buffering", "no"),
        ], onClose: { subscriberBox.take().map(feed.remove) }) else { return }
        // How long EventSource waits before reconnecting, then a first comment
        // so clients and proxies see the stream open.
        stream.write("retry: 3000\n: connected\n\n")
        let subscriber = LiveFeed.Subscriber(userId: user, stream: stream, lastSentId: after,
                                             heartbeat: Array(": ping\n\n".utf8)) { n, names in
            stream.write(NotificationJSON.event(n, names: names))
        }
        subscriberBox.set(subscriber)
        if stream.isClosed { return }
        live.add(subscriber)
    }

    /// NotificationService/Stream over Connect: everything after `afterId`
    /// (or only new ones), then live; one message per notification.
    func openConnectStream(_ head: HTTPRequestHead, request: [UInt8], _ responder: HTTPResponder) async {
        guard let user = UUIDs.canonical(head.callerUserId) else {
            return responder.replyError(status: 401, code: "unauthenticated", message: "sign in first")
        }
        var after: Int64?
        if let unpacked = try? Proto.unpack(request, as: Reel__Notification__V1__StreamRequest.self,
                                            "reel.notification.v1.StreamRequest") {
            let text = Proto.string(unpacked.message.after_id)
            if !text.isEmpty { after = Int64(text) ?? -1 }
        }
        let feed = live
        let subscriberBox = LockedBoxRef<LiveFeed.Subscriber>()
        guard let stream = responder.startStream(status: 200, onClose: { subscriberBox.take().map(feed.remove) }) else { return }
        if let after, after < 0 { return stream.finish(code: REEL_INVALID_ARGUMENT, message: "afterId must be a notification id") }
        let start: Int64
        if let after {
            start = after
        } else {
            guard let latest = try? await database.withConnection({ c in try TicketStore.latestId(c, user: user) }) else {
                return stream.finish(code: REEL_UNAVAILABLE, message: "the notification store is unavailable")
            }
            start = latest
        }
        let subscriber = LiveFeed.Subscriber(userId: user, stream: stream, lastSentId: start, heartbeat: nil) { n, names in
            stream.writeMessage(NotificationMessages.notification(n, names: names))
        }
        subscriberBox.set(subscriber)
        if stream.isClosed { return }
        live.add(subscriber)
    }

    func createStreamTicket(_ call: PluginCall) async throws -> [UInt8] {
        let me = try caller(call)
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let ticket = Data(bytes).base64URLEncoded
        let ttl = Self.ticketSeconds
        try await database.withConnection { c in try TicketStore.create(c, ticket: ticket, user: me, ttlSeconds: ttl) }
        return NotificationMessages.ticket(ticket, expiresIn: ttl)
    }

    static let ticketSeconds = 60
}

/// A value set once from one closure and taken by another (thread-safe).
final class LockedBoxRef<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ v: T) { lock.withLock { value = v } }
    func take() -> T? { lock.withLock { defer { value = nil }; return value } }
}
