import CMicroHTTPD
import Foundation

/// A response body a plugin writes over time (ABI 1.3 streamed responses:
/// Server-Sent Events, Connect server streaming). Plugins write from any
/// thread; libmicrohttpd reads on its polling thread through
/// `streamReaderCallback`. While nothing is buffered the connection is
/// suspended (no HTTP thread is held, and a suspended connection does not
/// time out); a write or the end resumes it. At most `limit` bytes wait per
/// stream: a write that does not fit is refused whole (`.full`).
final class ResponseStream: @unchecked Sendable {
    enum WriteResult: Int32 { case ok = 0, full = 1, closed = 2 }

    /// Bytes a stream may hold for a slow client (REEL_STREAM_FULL above it).
    static let defaultLimit = 256 * 1024

    let limit: Int
    /// The generation whose plugin writes it (ended when that one is replaced).
    let owner: ObjectIdentifier
    private let lock = NSLock()
    private var pending: [UInt8] = []
    private var readOffset = 0
    /// No more writes: what is buffered is sent, then the body ends.
    private var ending = false
    /// libmicrohttpd is done with it (sent, client gone, or never queued).
    private var released = false
    private var suspended = false
    /// The client hung up while the stream was suspended (HangupWatcher).
    private var clientGone = false
    /// The socket watched for a hang-up while suspended (-1: none).
    private var watchedFD: Int32 = -1
    private var connection: OpaquePointer?
    private var onReleased: (@Sendable () -> Void)?
    /// Bytes sent last when the stream ends without its own last words (a
    /// Connect stream's end-of-stream message when the host ends it).
    private var closingTrailer: [UInt8]?

    init(owner: ObjectIdentifier, limit: Int = ResponseStream.defaultLimit, closingTrailer: [UInt8]? = nil,
         onReleased: @escaping @Sendable () -> Void) {
        self.owner = owner
        self.limit = limit
        self.closingTrailer = closingTrailer
        self.onReleased = onReleased
    }

    var bufferedBytes: Int { lock.withLock { pending.count - readOffset } }

    func write(_ bytes: UnsafeRawBufferPointer) -> WriteResult {
        lock.withLock {
            if ending || released { return .closed }
            if pending.count - readOffset + bytes.count > limit { return .full }
            if readOffset > 0 && readOffset == pending.count {
                pending.removeAll(keepingCapacity: pending.capacity <= 16 * 1024)
                readOffset = 0
            }
            pending.append(contentsOf: bytes)
            wakeLocked()
            return .ok
        }
    }

    /// Ends the body after what is buffered (the plugin's end, a host stop,
    /// or its generation being replaced), then `trailer` (or the stream's
    /// closing trailer), sent even past the limit. Idempotent.
    func end(trailer: [UInt8]? = nil) {
        lock.withLock {
            guard !ending && !released else { return }
            ending = true
            if let last = trailer ?? closingTrailer { pending.append(contentsOf: last) }
            closingTrailer = nil
            wakeLocked()
        }
    }

    var isEnding: Bool { lock.withLock { ending || released } }

    /// The connection this body goes out on (when the response is queued).
    func attach(_ connection: OpaquePointer) { lock.withLock { self.connection = connection } }

    /// libmicrohttpd asks for the next bytes: some bytes, -1 at the end, or
    /// 0 after suspending the connection until a write or the end.
    func read(into buffer: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        lock.withLock {
            let available = pending.count - readOffset
            if available > 0 {
                let n = Swift.min(available, max)
                pending.withUnsafeBytes { raw in
                    UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + readOffset, byteCount: n)
                }
                readOffset += n
                if readOffset == pending.count {
                    pending.removeAll(keepingCapacity: pending.capacity <= 16 * 1024)
                    readOffset = 0
                }
                return n
            }
            if clientGone { return -2 } // MHD_CONTENT_READER_END_WITH_ERROR: close it now
            if ending { return -1 } // MHD_CONTENT_READER_END_OF_STREAM
            guard let connection else { return -2 } // MHD_CONTENT_READER_END_WITH_ERROR
            // Safe here: suspending from the content reader of a response
            // that is not shared between connections (libmicrohttpd manual, flow control).
            suspended = true
            MHD_suspend_connection(connection)
            // libmicrohttpd does not poll it while suspended: watch for a hang-up.
            let fd = reel_mhd_connection_fd(connection)
            if HangupWatcher.shared.watch(fd, self) { watchedFD = fd }
            return 0
        }
    }

    /// The client closed its socket while the stream was suspended: resume
    /// the connection so libmicrohttpd ends it (the reader answers an error).
    func clientWentAway() {
        lock.withLock {
            guard !released else { return }
            clientGone = true
            wakeLocked()
        }
    }

    /// libmicrohttpd freed the response (or it was never queued): the
    /// stream is over; tells its exchange once.
    func release() {
        let callback: (@Sendable () -> Void)? = lock.withLock {
            unwatchLocked()
            released = true
            ending = true
            pending = []
            readOffset = 0
            defer { onReleased = nil }
            return onReleased
        }
        callback?()
    }

    private func wakeLocked() {
        if suspended, let connection {
            suspended = false
            unwatchLocked()
            MHD_resume_connection(connection)
        }
    }

    private func unwatchLocked() {
        guard watchedFD >= 0 else { return }
        HangupWatcher.shared.unwatch(watchedFD)
        watchedFD = -1
    }
}

/// Every open response stream, so a stop and a hot-swap can end them.
final class ResponseStreams: @unchecked Sendable {
    static let shared = ResponseStreams()
    private let lock = NSLock()
    private var streams: [ObjectIdentifier: ResponseStream] = [:]
    private var closed = false

    var count: Int { lock.withLock { streams.count } }

    func add(_ stream: ResponseStream) {
        let endNow: Bool = lock.withLock {
            streams[ObjectIdentifier(stream)] = stream
            return closed
        }
        if endNow { stream.end() }
    }

    func remove(_ stream: ResponseStream) { lock.withLock { _ = streams.removeValue(forKey: ObjectIdentifier(stream)) } }

    /// The server is stopping: every stream ends now, and every later one at once.
    func closeAll() {
        let all: [ResponseStream] = lock.withLock {
            closed = true
            return Array(streams.values)
        }
        all.forEach { $0.end() }
    }

    /// A plugin generation was replaced: its streams end, so clients
    /// reconnect (to the new generation).
    func endAll(owner: ObjectIdentifier) {
        let owned = lock.withLock { streams.values.filter { $0.owner == owner } }
        owned.forEach { $0.end() }
    }
}

let streamReaderCallback: MHD_ContentReaderCallback = { cls, _, buffer, max in
    guard let cls, let buffer else { return -2 }
    return Unmanaged<ResponseStream>.fromOpaque(cls).takeUnretainedValue().read(into: buffer, max: max)
}

let streamFreeCallback: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    Unmanaged<ResponseStream>.fromOpaque(cls).takeRetainedValue().release()
}

