import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Notices a client that went away from a suspended response stream.
/// libmicrohttpd does not poll a suspended connection, so it only learns
/// of a closed socket (and calls the request-completed callback with
/// MHD_REQUEST_TERMINATED_*) when the next write resumes it — a stream's
/// heartbeat, up to 25 s later. While a stream is suspended its socket is
/// checked here every `interval` (one poll(2) over all of them, then a
/// peek at the readable ones: end of file or an error is a hang-up): a
/// hang-up resumes the connection with the stream marked gone,
/// libmicrohttpd closes it, and the plugin hears that the stream closed.
final class HangupWatcher: @unchecked Sendable {
    static let shared = HangupWatcher()
    static let interval = DispatchTimeInterval.milliseconds(500)

    private let lock = NSLock()
    private var watched: [Int32: ResponseStream] = [:]
    private var timer: DispatchSourceTimer?

    /// Watches `fd` for `stream` (suspended now).
    @discardableResult
    func watch(_ fd: Int32, _ stream: ResponseStream) -> Bool {
        guard fd >= 0 else { return false }
        lock.withLock {
            watched[fd] = stream
            if timer == nil {
                let source = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
                source.schedule(deadline: .now() + Self.interval, repeating: Self.interval, leeway: .milliseconds(100))
                source.setEventHandler { [weak self] in self?.check() }
                source.resume()
                timer = source
            }
        }
        return true
    }

    /// Stops watching `fd` (the stream is resumed or over).
    func unwatch(_ fd: Int32) { lock.withLock { _ = watched.removeValue(forKey: fd) } }

    private func check() {
        // Polled under the lock: a watched socket is not closed meanwhile
        // (libmicrohttpd closes it only after the stream unwatches it).
        let gone: [ResponseStream] = lock.withLock {
            guard !watched.isEmpty else { return [] }
            var fds = watched.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 0) > 0 else { return [] }
            var out: [ResponseStream] = []
            var byte: UInt8 = 0
            for p in fds where p.revents != 0 {
                let hungUp = p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
                    || recv(p.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
                if hungUp, let stream = watched.removeValue(forKey: p.fd) { out.append(stream) }
            }
            return out
        }
        // Told outside the lock (the stream takes its own lock, then ours).
        gone.forEach { $0.clientWentAway() }
    }
}
