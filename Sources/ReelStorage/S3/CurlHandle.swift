import ReelConcurrency
import CCurl
import Foundation

/// One libcurl easy handle. Handles are pooled by `CurlHandlePool` so that
/// connections are reused between requests (the connection cache lives in
/// the handle).
///
/// `@unchecked Sendable`: a handle is owned by exactly one thread at a time —
/// taken from the pool, used for one blocking transfer, reset, returned — so
/// the raw pointer is never used concurrently.
final class CurlHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    private static let globalInit: CURLcode = reel_curl_global_init()

    init() throws(StorageError) {
        guard Self.globalInit == CURLE_OK, let raw = curl_easy_init() else {
            throw .transport(operation: "init", key: "", curlCode: Int32(Self.globalInit.rawValue),
                             message: "libcurl could not be initialised")
        }
        self.raw = raw
    }

    deinit {
        curl_easy_cleanup(raw)
    }
}

/// Idle handles, at most `limit` kept (one per transfer thread).
final class CurlHandlePool: Sendable {
    private let idle = LockedBox<[CurlHandle]>([])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func withHandle<T>(_ body: (CurlHandle) throws -> T) throws -> T {
        let handle = try idle.withLock { $0.popLast() } ?? CurlHandle()
        defer {
            curl_easy_reset(handle.raw)
            idle.withLock { if $0.count < limit { $0.append(handle) } }
        }
        return try body(handle)
    }
}
