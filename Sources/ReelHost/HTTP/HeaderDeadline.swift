import CMicroHTTPD
import Foundation

/// A deadline for a new connection's request headers: a client that has not
/// sent complete headers `seconds` after connecting (a slow-header client,
/// which the idle timeout never catches as long as it trickles a byte now and
/// then) has its socket shut down, and libmicrohttpd closes the connection.
/// Each connection's state lives in its socket context (set when
/// libmicrohttpd reports the connection started, released when it closes).
final class HeaderDeadline: @unchecked Sendable {
    // @unchecked: `done` is only touched under `lock`; `fd` is immutable.
    private let fd: Int32
    private let lock = NSLock()
    /// Headers received, connection closed, or deadline passed.
    private var done = false

    private init(fd: Int32) { self.fd = fd }

    /// libmicrohttpd's option for a deadline of `seconds` (none when 0).
    static func options(seconds: Int) -> [MHD_OptionItem] {
        guard seconds > 0 else { return [] }
        return [MHD_OptionItem(option: MHD_OPTION.NOTIFY_CONNECTION,
                               value: unsafeBitCast(notifyConnectionCallback as MHD_NotifyConnectionCallback, to: Int.self),
                               ptr_value: UnsafeMutableRawPointer(bitPattern: UInt(seconds)))]
    }

    /// The connection's first request headers are complete (called for every request; cheap).
    static func headersReceived(_ connection: OpaquePointer) {
        guard let raw = reel_mhd_socket_context(connection) else { return }
        Unmanaged<HeaderDeadline>.fromOpaque(raw).takeUnretainedValue().finish()
    }

    fileprivate static func started(_ connection: OpaquePointer, context: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                    seconds: Int) {
        let fd = reel_mhd_connection_fd(connection)
        guard fd >= 0 else { return }
        let deadline = HeaderDeadline(fd: fd)
        context.pointee = Unmanaged.passRetained(deadline).toOpaque()
        timers.asyncAfter(deadline: .now() + .seconds(seconds)) { deadline.expire() }
    }

    fileprivate static func closed(context: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        guard let raw = context.pointee else { return }
        context.pointee = nil
        Unmanaged<HeaderDeadline>.fromOpaque(raw).takeRetainedValue().finish()
    }

    private func finish() { lock.withLock { done = true } }

    /// Under the lock: libmicrohttpd reports the close (which sets `done`)
    /// before it closes the descriptor, so `fd` is still this connection's.
    private func expire() {
        lock.withLock {
            guard !done else { return }
            done = true
            shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    private static let timers = DispatchQueue(label: "reel.http.header-deadline")
}

/// libmicrohttpd's connection notifications (started, closed); `cls` carries the seconds.
private let notifyConnectionCallback: MHD_NotifyConnectionCallback = { cls, connection, context, code in
    guard let connection, let context else { return }
    if code.rawValue == 0 { // MHD_CONNECTION_NOTIFY_STARTED
        HeaderDeadline.started(connection, context: context, seconds: Int(bitPattern: UInt(bitPattern: cls)))
    } else {
        HeaderDeadline.closed(context: context)
    }
}
