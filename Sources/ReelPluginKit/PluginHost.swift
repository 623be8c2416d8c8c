import CReelABI
import Foundation

/// The host as a Swift plugin sees it: logging, configuration, bus calls and
/// events, over the reel_host_api table it received in init.
public final class PluginHost: @unchecked Sendable {
    // Both stay valid until the plugin's shutdown returns (reel_plugin.h).
    let host: OpaquePointer
    let api: UnsafePointer<reel_host_api>

    init(host: OpaquePointer, api: UnsafePointer<reel_host_api>) {
        self.host = host
        self.api = api
    }

    public enum Level: Int32, Sendable { case debug = 10, info = 20, warn = 30, error = 40 }

    public func log(_ level: Level, _ message: String) {
        inTaskTrace { api.pointee.log?(host, level.rawValue, message) }
    }

    /// The plugin's own Prometheus metrics (ABI 1.4; inert on older hosts).
    public var metrics: PluginMetrics { PluginMetrics(host: self) }

    public func config(_ key: String) -> String? {
        api.pointee.config_get?(host, key).map { String(cString: $0) }
    }

    /// Calls another plugin's method over the bus; throws its error.
    public func call(_ method: String, _ payload: [UInt8]) async throws(PluginError) -> [UInt8] {
        guard let busCall = api.pointee.bus_call else { throw .unavailable("this host has no bus") }
        let result: Result<[UInt8], PluginError> = await withCheckedContinuation { continuation in
            let box = Unmanaged.passRetained(ContinuationBox(continuation)).toOpaque()
            payload.withUnsafeBufferPointer { buffer in inTaskTrace {
                busCall(host, method, buffer.baseAddress, buffer.count, { userData, status, message, payload, length in
                    guard let userData else { return }
                    let box = Unmanaged<ContinuationBox>.fromOpaque(userData).takeRetainedValue()
                    if status == REEL_OK {
                        box.continuation.resume(returning: .success(payload.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []))
                    } else {
                        box.continuation.resume(returning: .failure(PluginError(code: status, message.map { String(cString: $0) } ?? "bus error \(status)")))
                    }
                }, box)
            } }
        }
        return try result.get()
    }

    /// Completes a call (reel_reply is passed around as its bit pattern).
    func reply(token: UInt, _ result: Result<[UInt8], PluginError>) {
        let reply = OpaquePointer(bitPattern: token)
        switch result {
        case .success(let bytes):
            bytes.withUnsafeBufferPointer { api.pointee.reply?(reply, REEL_OK, nil, $0.baseAddress, $0.count) }
        case .failure(let error):
            api.pointee.reply?(reply, error.code, error.message, nil, 0)
        }
    }

    /// Publishes an event; returns how many subscribers it was queued for.
    @discardableResult
    public func publish(_ topic: String, _ payload: [UInt8]) -> Int {
        payload.withUnsafeBufferPointer { buffer in
            inTaskTrace { Int(api.pointee.publish?(host, topic, buffer.baseAddress, buffer.count) ?? 0) }
        }
    }
}

private final class ContinuationBox {
    let continuation: CheckedContinuation<Result<[UInt8], PluginError>, Never>
    init(_ continuation: CheckedContinuation<Result<[UInt8], PluginError>, Never>) { self.continuation = continuation }
}
