import CReelABI
import Foundation

/// A response body written over time (ABI 1.3), from any thread. The host
/// buffers at most REEL_STREAM_BUFFER_BYTES for a slow client. `onClose`
/// runs once when the stream is over, however it ended: `end()`, the client
/// gone, the host stopping, or this plugin generation replaced.
public final class HTTPStream: @unchecked Sendable {
    public enum WriteResult: Sendable, Equatable {
        case ok
        /// Nothing written: the client reads too slowly.
        case full
        /// Nothing written: the stream is over.
        case closed
    }

    private let host: PluginHost
    private let token: UInt
    private let lock = NSLock()
    private var onClose: (@Sendable () -> Void)?

    init(host: PluginHost, token: UInt, onClose: @escaping @Sendable () -> Void) {
        self.host = host
        self.token = token
        self.onClose = onClose
    }

    public var isClosed: Bool { lock.withLock { onClose == nil } }

    @discardableResult
    public func write(_ bytes: [UInt8]) -> WriteResult {
        guard !isClosed, let write = host.api.pointee.http_stream_write else { return .closed }
        let result = bytes.withUnsafeBufferPointer { write(OpaquePointer(bitPattern: token), $0.baseAddress, $0.count) }
        switch result {
        case REEL_STREAM_OK: return .ok
        case REEL_STREAM_FULL: return .full
        default: return .closed
        }
    }

    @discardableResult
    public func write(_ text: String) -> WriteResult { write(Array(text.utf8)) }

    /// A Connect streaming route's next message (protobuf bytes; the host frames it).
    @discardableResult
    public func writeMessage(_ payload: [UInt8]) -> WriteResult {
        guard !isClosed, let send = host.api.pointee.http_stream_message else { return .closed }
        let result = payload.withUnsafeBufferPointer { send(OpaquePointer(bitPattern: token), $0.baseAddress, $0.count) }
        switch result {
        case REEL_STREAM_OK: return .ok
        case REEL_STREAM_FULL: return .full
        default: return .closed
        }
    }

    /// Ends a Connect stream: OK, or an error code (REEL_*) and message.
    public func finish(code: Int32 = REEL_OK, message: String = "") {
        guard !isClosed, let finish = host.api.pointee.http_stream_finish else { return }
        finish(OpaquePointer(bitPattern: token), code, message)
    }

    /// Ends the body after what is buffered; `onClose` follows.
    public func end() {
        guard !isClosed else { return }
        host.api.pointee.http_stream_end?(OpaquePointer(bitPattern: token))
    }

    /// The host says the stream is over.
    func closed() {
        let callback: (@Sendable () -> Void)? = lock.withLock {
            defer { onClose = nil }
            return onClose
        }
        callback?()
    }
}

/// Open streams by exchange token, for the descriptor's http_stream_closed.
final class HTTPStreams: @unchecked Sendable {
    static let shared = HTTPStreams()
    private let lock = NSLock()
    private var streams: [UInt: HTTPStream] = [:]

    func add(_ stream: HTTPStream, token: UInt) { lock.withLock { streams[token] = stream } }
    @discardableResult
    func remove(token: UInt) -> HTTPStream? { lock.withLock { streams.removeValue(forKey: token) } }
}

let pluginHTTPStreamClosed: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?) -> Void = { _, exchange in
    HTTPStreams.shared.remove(token: UInt(bitPattern: exchange))?.closed()
}
