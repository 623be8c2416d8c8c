import CMicroHTTPD
import Foundation

/// A deadline for a new connection's request headers: a client that has not
/// sent complete headers `seconds` after connecting (a slow-header client,
/// which the idle timeout never catches as long as it trickles a byte now and
/// then) has its socket shut down, and libmicrohttpd closes the connection.
final class HeaderDeadline: @unchecked Sendable {
    // @unchecked: `awaiting` and `serial` are only touched under `lock`.
    private let lock = NSLock()
    /// Connections still awaiting their first headers: socket and a serial
    /// (a connection's address may be reused by a later one).
    private var awaiting: [UInt: (fd: Int32, serial: UInt64)] = [:]
    private var serial: UInt64 = 0
    private let seconds: Int
    private let timers = DispatchQueue(label: "reel.http.header-deadline")

    init(seconds: Int) { self.seconds = seconds }

    func connectionStarted(_ connection: OpaquePointer) {
        guard seconds > 0 else { return }
        let fd = reel_mhd_connection_fd(connection)
        guard fd >= 0 else { return }
        let key = UInt(bitPattern: connection)
        let mine: UInt64 = lock.withLock {
            serial += 1
            awaiting[key] = (fd, serial)
            return serial
        }
        timers.asyncAfter(deadline: .now() + .seconds(seconds)) { [self] in
            lock.withLock {
                // Under the lock: libmicrohttpd reports the close (and we
                // forget the socket) before it closes the descriptor.
                guard let entry = awaiting[key], entry.serial == mine else { return }
                awaiting[key] = nil
                shutdown(entry.fd, Int32(SHUT_RDWR))
            }
        }
    }

    /// The connection's first request headers are complete.
    func headersReceived(_ connection: OpaquePointer) {
        guard seconds > 0 else { return }
        let key = UInt(bitPattern: connection)
        lock.withLock { _ = awaiting.removeValue(forKey: key) }
    }

    func connectionClosed(_ connection: OpaquePointer) { headersReceived(connection) }
}

/// libmicrohttpd's connection notifications (started, closed).
let notifyConnectionCallback: MHD_NotifyConnectionCallback = { cls, connection, _, code in
    guard let cls, let connection else { return }
    let deadline = Unmanaged<HeaderDeadline>.fromOpaque(cls).takeUnretainedValue()
    if code.rawValue == 0 { // MHD_CONNECTION_NOTIFY_STARTED
        deadline.connectionStarted(connection)
    } else {
        deadline.connectionClosed(connection)
    }
}
