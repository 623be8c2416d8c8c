import CMicroHTTPD
import Foundation

/// A deadline for a connection's request headers: a client that has not sent
/// complete headers `seconds` after connecting (a slow-header client, which
/// the idle timeout never catches as long as it trickles a byte now and then)
/// has its socket shut down, and libmicrohttpd closes the connection. On a
/// keep-alive connection the next request's headers must be complete within
/// the idle timeout of the previous response (an idle client is closed then
/// anyway; a trickling one now too). Each connection's state lives in its
/// socket context (set when libmicrohttpd reports the connection started,
/// released when it closes).
final class HeaderDeadline: @unchecked Sendable {
    // @unchecked: the vars are only touched under `lock`; `fd` is immutable.
    private let fd: Int32
    private let lock = NSLock()
    /// Waiting for a request's headers (since the deadline was set).
    private var awaiting = true
    /// Closed (or cut off): the descriptor is no longer ours to shut down.
    private var closed = false
    /// When the awaited headers are due (uptime nanoseconds).
    private var due: UInt64 = 0
    /// A timer is pending for this connection. At most one is: a keep-alive
    /// connection answering thousands of requests moves `due` forward and
    /// its one timer re-arms itself when it fires early, instead of costing
    /// a timer (and a dispatch wake-up when it fires) per request. (`due`
    /// only moves later: every arming after the first uses the idle timeout,
    /// and a shorter idle timeout than the header one is enforced by
    /// libmicrohttpd's own connection timeout anyway.)
    private var timerPending = false

    private init(fd: Int32) { self.fd = fd }

    /// libmicrohttpd's option for a deadline of `seconds` (none when 0).
    static func options(seconds: Int) -> [MHD_OptionItem] {
        guard seconds > 0 else { return [] }
        return [MHD_OptionItem(option: MHD_OPTION.NOTIFY_CONNECTION,
                               value: unsafeBitCast(notifyConnectionCallback as MHD_NotifyConnectionCallback, to: Int.self),
                               ptr_value: UnsafeMutableRawPointer(bitPattern: UInt(seconds)))]
    }

    /// A request's headers are complete (called for every request; cheap).
    static func headersReceived(_ connection: OpaquePointer) {
        guard let raw = reel_mhd_socket_context(connection) else { return }
        let deadline = Unmanaged<HeaderDeadline>.fromOpaque(raw).takeUnretainedValue()
        deadline.lock.withLock { deadline.awaiting = false }
    }

    /// A request is over: the next one's headers are due within `seconds`
    /// (the idle timeout).
    static func requestCompleted(_ connection: OpaquePointer, seconds: Int) {
        guard seconds > 0, let raw = reel_mhd_socket_context(connection) else { return }
        Unmanaged<HeaderDeadline>.fromOpaque(raw).takeUnretainedValue().arm(seconds: seconds)
    }

    fileprivate static func started(_ connection: OpaquePointer, context: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                    seconds: Int) {
        let fd = reel_mhd_connection_fd(connection)
        guard fd >= 0 else { return }
        let deadline = HeaderDeadline(fd: fd)
        context.pointee = Unmanaged.passRetained(deadline).toOpaque()
        deadline.arm(seconds: seconds)
    }

    fileprivate static func closed(context: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        guard let raw = context.pointee else { return }
        context.pointee = nil
        let deadline = Unmanaged<HeaderDeadline>.fromOpaque(raw).takeRetainedValue()
        deadline.lock.withLock { deadline.closed = true }
    }

    private func arm(seconds: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        let schedule: Bool = lock.withLock {
            guard !closed else { return false }
            awaiting = true
            due = now + UInt64(seconds) * 1_000_000_000
            if timerPending { return false } // it fires before `due` and re-arms
            timerPending = true
            return true
        }
        if schedule { Self.timers.asyncAfter(deadline: .now() + .seconds(seconds)) { [self] in expire() } }
    }

    /// Under the lock: libmicrohttpd reports the close (which sets `closed`)
    /// before it closes the descriptor, so `fd` is still this connection's.
    private func expire() {
        let now = DispatchTime.now().uptimeNanoseconds
        let again: UInt64? = lock.withLock {
            guard !closed, awaiting else {
                timerPending = false // a request is being served: the next one arms again
                return nil
            }
            if now < due { return due - now } // the deadline moved on since this timer was set
            timerPending = false
            closed = true
            shutdown(fd, Int32(SHUT_RDWR))
            return nil
        }
        if let again { Self.timers.asyncAfter(deadline: .now() + .nanoseconds(Int(again))) { [self] in expire() } }
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
