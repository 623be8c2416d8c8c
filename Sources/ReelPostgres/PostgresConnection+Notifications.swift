import CLibPQ
import Foundation

/// A NOTIFY received on a channel this connection LISTENs on.
public struct PostgresNotification: Sendable, Hashable {
    public let channel: String
    public let payload: String
    /// The server process that sent it.
    public let senderPID: Int
}

extension PostgresConnection {
    /// LISTEN on `channel` (any name; it is quoted). Channels are listened on
    /// again after a reconnect, but notifications sent meanwhile are lost:
    /// after an error from `waitForNotification`, re-check your tables.
    public func listen(_ channel: String) throws(PostgresError) {
        try execute("LISTEN " + quoteSQLIdentifier(channel))
        listeningChannels.insert(channel)
    }

    public func unlisten(_ channel: String) throws(PostgresError) {
        try execute("UNLISTEN " + quoteSQLIdentifier(channel))
        listeningChannels.remove(channel)
    }

    public func unlistenAll() throws(PostgresError) {
        try execute("UNLISTEN *")
        listeningChannels.removeAll()
    }

    /// `pg_notify(channel, payload)`: delivered when the current transaction commits.
    public func notify(_ channel: String, payload: String = "") throws(PostgresError) {
        try query("SELECT pg_notify($1, $2)", [.string(channel), .string(payload)])
    }

    /// Blocks until a notification arrives (returns it) or `timeout` passes
    /// (returns nil). Throws `.connection` if the connection breaks; the next
    /// call reconnects and listens again.
    public func waitForNotification(timeout: Duration) throws(PostgresError) -> PostgresNotification? {
        try ensureConnected()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            guard PQconsumeInput(handle) == 1 else {
                throw PostgresError(kind: .connection, message: Self.errorMessage(handle))
            }
            if let notification = nextNotification() { return notification }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            let socket = PQsocket(handle)
            guard socket >= 0 else {
                throw PostgresError(kind: .connection, message: "the connection has no socket")
            }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, Self.milliseconds(remaining)) < 0, errno != EINTR {
                throw PostgresError(kind: .connection, message: "poll failed: " + String(cString: strerror(errno)))
            }
        }
    }

    private func nextNotification() -> PostgresNotification? {
        guard let notify = PQnotifies(handle) else { return nil }
        defer { PQfreemem(notify) }
        return PostgresNotification(
            channel: notify.pointee.relname.map { String(cString: $0) } ?? "",
            payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
            senderPID: Int(notify.pointee.be_pid))
    }

    /// Rounded up, so a short wait never becomes a busy loop.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(millis, 1))
    }
}
