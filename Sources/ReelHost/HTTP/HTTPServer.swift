import CMicroHTTPD
import CReelSupport
import Foundation
import Logging

/// Errors starting the HTTP server.
public enum HTTPServerError: Error, CustomStringConvertible {
    case cannotStart(host: String, port: UInt16)
    case badAddress(String)

    public var description: String {
        switch self {
        case .cannotStart(let host, let port): "cannot listen on \(host):\(port) (in use, or not permitted)"
        case .badAddress(let a): "REEL_HTTP_HOST '\(a)' is not an IPv4 address"
        }
    }
}

/// The HTTP front door on libmicrohttpd: a thread pool on epoll, connection
/// limits and timeouts, a body-size limit, suspended connections for answers
/// that come later, a request id and an access-log line per request, and a
/// graceful stop that drains in-flight requests.
public final class HTTPServer: @unchecked Sendable {
    struct Limits {
        var maxBodyBytes: Int
        var threads: Int
        var connectionLimit: Int
        var connectionTimeoutSeconds: Int
        var perConnectionMemoryBytes: Int
        /// Connections one client address may hold at once (0: no cap below `connectionLimit`).
        var connectionsPerAddress = 0
        /// Seconds a new connection has to send its complete request headers (0: no deadline).
        var headerTimeoutSeconds = 0
        /// Proxies whose X-Forwarded-For names the client (REEL_TRUSTED_PROXIES).
        var trustedProxies = TrustedProxies()
    }

    let handler: HTTPHandler
    let limits: Limits
    /// "" for the public listener, "admin " for the operator's (log lines).
    let role: String
    /// Request metrics (the public listener only).
    let metrics: HostMetrics?
    /// The shared micro-cache of public answers (the public listener only).
    let responseCache: ResponseCache?
    let logger = Logger(label: "reel.http")
    private var daemon: OpaquePointer?
    /// Requests from their headers until libmicrohttpd completes them.
    let live = LiveRequests()
    /// Set once a stop has begun: responses then ask clients to close.
    let stopping = AtomicFlag()
    public private(set) var port: UInt16 = 0

    init(handler: HTTPHandler, limits: Limits, role: String = "", metrics: HostMetrics? = nil,
         responseCache: ResponseCache? = nil) {
        self.metrics = metrics
        self.responseCache = responseCache.flatMap { $0.isEnabled ? $0 : nil }
        self.handler = handler
        self.limits = limits
        self.role = role
    }

    public func start(host: String, port: UInt16) throws {
        // Each request allocates and frees libmicrohttpd's response; with
        // glibc's default trim threshold the I/O threads' arenas shrink after
        // every free and grow again (an mprotect per request, each way).
        reel_sys_keep_freed_memory()
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw HTTPServerError.badAddress(host) }
        // libmicrohttpd copies the address during start, so a local is fine.
        let started: OpaquePointer? = withUnsafePointer(to: &address) { addressPointer in
            // One thread: the polling thread itself (libmicrohttpd warns about a pool of 1).
            let pool = limits.threads > 1
                ? [MHD_OptionItem(option: MHD_OPTION.THREAD_POOL_SIZE, value: limits.threads, ptr_value: nil)] : []
            var options: [MHD_OptionItem] = pool + [
                MHD_OptionItem(option: MHD_OPTION.CONNECTION_LIMIT, value: limits.connectionLimit, ptr_value: nil),
                MHD_OptionItem(option: MHD_OPTION.CONNECTION_TIMEOUT, value: limits.connectionTimeoutSeconds, ptr_value: nil),
                MHD_OptionItem(option: MHD_OPTION.CONNECTION_MEMORY_LIMIT, value: limits.perConnectionMemoryBytes, ptr_value: nil),
                MHD_OptionItem(option: MHD_OPTION.LISTEN_BACKLOG_SIZE, value: 1024, ptr_value: nil),
                MHD_OptionItem(option: MHD_OPTION.SOCK_ADDR, value: 0,
                               ptr_value: UnsafeMutableRawPointer(mutating: addressPointer)),
                MHD_OptionItem(option: MHD_OPTION.NOTIFY_COMPLETED,
                               value: unsafeBitCast(requestCompletedCallback as MHD_RequestCompletedCallback, to: Int.self),
                               ptr_value: Unmanaged.passUnretained(self).toOpaque()),
                MHD_OptionItem(option: MHD_OPTION.UNESCAPE_CALLBACK,
                               value: unsafeBitCast(keepEscapedCallback as UnescapeCallback, to: Int.self),
                               ptr_value: nil),
                // Strict parsing: HTTP/1.1 without Host and spaces in the URL are 400 (header names: RequestFraming).
                MHD_OptionItem(option: MHD_OPTION.STRICT_FOR_CLIENT, value: 1, ptr_value: nil),
                MHD_OptionItem(option: MHD_OPTION.PER_IP_CONNECTION_LIMIT, value: limits.connectionsPerAddress, ptr_value: nil),
                MHD_OptionItem(option: MHD_OPTION.END, value: 0, ptr_value: nil),
            ]
            options.insert(contentsOf: HeaderDeadline.options(seconds: limits.headerTimeoutSeconds), at: options.count - 1)
            let flags = MHD_USE_EPOLL_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ERROR_LOG.rawValue
            return options.withUnsafeMutableBufferPointer { items in
                reel_mhd_start(UInt32(flags), port, accessHandlerCallback,
                               Unmanaged.passUnretained(self).toOpaque(), items.baseAddress)
            }
        }
        guard let started else { throw HTTPServerError.cannotStart(host: host, port: port) }
        daemon = started
        self.port = reel_mhd_bound_port(started)
        logger.info("\(role)listening", metadata: ["address": "\(host):\(self.port)", "threads": "\(limits.threads)"])
    }

    /// Stops accepting connections, waits until `deadline` for in-flight
    /// requests to be answered, answers the rest 503 (a plugin call may
    /// outlive any grace period), then closes every connection.
    public func stop(deadline: Date) {
        guard let daemon else { return }
        beginStop()
        while live.count > 0 && Date() < deadline { usleep(10_000) }
        // libmicrohttpd aborts the process if it stops with a connection
        // still suspended: every request still waiting is answered now.
        let answered = live.close { [handler] context in
            handler.errorResponse(APIError(.unavailable, "the server is shutting down; try again"),
                                  path: context.path, requestId: context.requestId)
        }
        if answered > 0 {
            logger.warning("stopping with requests still in flight; answered 503", metadata: ["answered": "\(answered)"])
            // Let the polling threads send those answers (bounded: a client
            // that does not read them is cut off by the stop below).
            let flushDeadline = Date().addingTimeInterval(2)
            while live.count > 0 && Date() < flushDeadline { usleep(10_000) }
        }
        MHD_stop_daemon(daemon)
        self.daemon = nil
        AccessLog.flush()
        logger.info("\(role)stopped")
    }

    /// The first step of a stop, at once: answers from now on ask clients to
    /// close, and the listening socket is closed (new clients are refused
    /// instead of waiting for a daemon that no longer accepts them).
    public func beginStop() {
        guard let daemon, !stopping.isSet else { return }
        stopping.set()
        let listenFD = MHD_quiesce_daemon(daemon)
        if listenFD >= 0 { close(listenFD) }
        // Streamed responses (ABI 1.3) never end on their own: end them now.
        ResponseStreams.shared.closeAll()
    }

    public func stop(grace: Double) { stop(deadline: Date().addingTimeInterval(grace)) }

    var inFlightCount: Int { live.count }
    func requestStarted(_ context: RequestContext) { live.add(context) }
    func requestEnded(_ context: RequestContext) { live.remove(context) }
}

/// A flag set once, read from any thread.
final class AtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var isSet: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
}
