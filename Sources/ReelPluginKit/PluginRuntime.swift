import CReelABI
import Foundation
import ReelPostgres

/// The type-erased live side of a Swift plugin: its host, its service, and
/// the C entry points the descriptor names.
final class PluginRuntime: @unchecked Sendable {
    nonisolated(unsafe) private static var current: PluginRuntime?
    static func install(_ runtime: PluginRuntime) { current = runtime }
    static var shared: PluginRuntime? { current }

    let name: String
    private let start: @Sendable (PluginHost) async throws -> any Sendable
    private let handlers: [@Sendable (any Sendable, PluginCall) async -> Result<[UInt8], PluginError>]
    private let httpBegins: [@Sendable (any Sendable, HTTPRequestHead, HTTPResponder) -> HTTPBodyReceiver?]
    private let onEvent: (@Sendable (any Sendable, String, [UInt8]) async -> Void)?
    private let stop: (@Sendable (any Sendable) async -> Void)?
    private let lock = NSLock()
    private var service: (any Sendable)?
    private(set) var host: PluginHost?

    init<Service: Sendable>(_ d: PluginDefinition<Service>) {
        name = d.name
        start = { host in try await d.start(host) }
        handlers = d.methods.map { method in
            let handler = method.handler
            return { (service: any Sendable, call: PluginCall) async -> Result<[UInt8], PluginError> in
                guard let service = service as? Service else { return .failure(.internal("plugin state has the wrong type")) }
                do {
                    return .success(try await handler(service, call))
                } catch let error as PluginError {
                    return .failure(error)
                } catch let error as PostgresError where error.isUnavailable {
                    // The database is away (down, restarting): 503, retry later.
                    PluginRuntime.shared?.host?.log(.warn, "\(method.name) failed (request \(call.requestId)): \(error)")
                    return .failure(.unavailable("the database is unavailable; retry later (request \(call.requestId))"))
                } catch {
                    // Anything but a PluginError (SQL, I/O, crypto) is logged in
                    // full and answered bare: no internals reach a client.
                    PluginRuntime.shared?.host?.log(.error, "\(method.name) failed (request \(call.requestId)): \(error)")
                    return .failure(.internal("internal error (request \(call.requestId))"))
                }
            }
        }
        httpBegins = d.httpRoutes.map { route in
            let begin = route.begin
            return { (service: any Sendable, head: HTTPRequestHead, responder: HTTPResponder) -> HTTPBodyReceiver? in
                guard let service = service as? Service else {
                    responder.replyError(.internal("plugin state has the wrong type"))
                    return nil
                }
                return begin(service, head, responder)
            }
        }
        if let handler = d.onEvent {
            onEvent = { (service: any Sendable, topic: String, payload: [UInt8]) async -> Void in
                if let service = service as? Service { await handler(service, topic, payload) }
            }
        } else {
            onEvent = nil
        }
        if let handler = d.stop {
            stop = { (service: any Sendable) async -> Void in
                if let service = service as? Service { await handler(service) }
            }
        } else {
            stop = nil
        }
    }

    func initialize(host: PluginHost) -> Int32 {
        self.host = host
        let outcome: Result<any Sendable, any Error> = Blocking.run { [start] in
            do { return .success(try await start(host)) } catch { return .failure(error) }
        }
        switch outcome {
        case .success(let service):
            lock.withLock { self.service = service }
            return 0
        case .failure(let error):
            host.log(.error, "\(name) failed to start: \(error)")
            return 1
        }
    }

    func handle(index: Int, call: PluginCall, reply: @escaping @Sendable (Result<[UInt8], PluginError>) -> Void) {
        guard let service = lock.withLock({ service }), handlers.indices.contains(index) else {
            return reply(.failure(.unavailable("\(name) is not running")))
        }
        let handler = handlers[index]
        Task { reply(await handler(service, call)) }
    }

    /// A raw HTTP request: the route's begin, with a responder for its exchange.
    func httpBegin(index: Int, head: HTTPRequestHead, token: UInt) -> HTTPBodyReceiver? {
        guard let host, let service = lock.withLock({ service }), httpBegins.indices.contains(index) else {
            if let host {
                HTTPResponder(host: host, token: token).replyError(.unavailable("\(name) is not running"))
            }
            return nil
        }
        let responder = HTTPResponder(host: host, token: token, requestId: head.requestId)
        let receiver = httpBegins[index](service, head, responder)
        if receiver == nil && !responder.hasAnswered {
            responder.replyError(.internal("the route neither answered nor took the body"))
        }
        return receiver
    }

    func event(topic: String, payload: [UInt8]) {
        guard let onEvent, let service = lock.withLock({ service }) else { return }
        // Events arrive one at a time per plugin; finish each before the next.
        Blocking.run { await onEvent(service, topic, payload) }
    }

    func shutdown() {
        guard let service = lock.withLock({ self.service }) else { return }
        if let stop { Blocking.run { await stop(service) } }
        lock.withLock { self.service = nil }
    }
}

/// Runs async work to completion from a host thread that may block (init,
/// shutdown, the plugin's own event queue) — never from a cooperative thread.
enum Blocking {
    @discardableResult
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task {
            box.value = await body()
            done.signal()
        }
        done.wait()
        guard let value = box.value else { preconditionFailure("Blocking.run finished without a value") }
        return value
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T? // written once before the semaphore is signalled, read after
    }
}

// MARK: - The C entry points of every Swift plugin's descriptor.

let pluginInit: @convention(c) (OpaquePointer?, UnsafePointer<reel_host_api>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 = {
    host, api, state in
    guard let host, let api, let runtime = PluginRuntime.shared else { return 1 }
    state?.pointee = nil
    return runtime.initialize(host: PluginHost(host: host, api: api))
}

let pluginShutdown: @convention(c) (UnsafeMutableRawPointer?) -> Void = { _ in
    PluginRuntime.shared?.shutdown()
}

let pluginHandle: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<reel_request>?, OpaquePointer?) -> Void = {
    _, request, reply in
    guard let runtime = PluginRuntime.shared, let host = runtime.host else { return }
    let replyToken = UInt(bitPattern: reply)
    guard let request else {
        host.reply(token: replyToken, .failure(.invalidArgument("no request")))
        return
    }
    let r = request.pointee
    let call = PluginCall(
        method: r.method.map { String(cString: $0) } ?? "",
        payload: r.payload.map { Array(UnsafeBufferPointer(start: $0, count: r.payload_len)) } ?? [],
        requestId: r.request_id.map { String(cString: $0) } ?? "",
        callerUserId: r.caller_user_id.map { String(cString: $0) } ?? "",
        callerRole: r.caller_role.map { String(cString: $0) } ?? "",
        clientAddress: r.struct_size >= UInt32(MemoryLayout<reel_request>.size)
            ? r.client_address.map { String(cString: $0) } ?? "" : "")
    runtime.handle(index: Int(r.method_index), call: call) { result in host.reply(token: replyToken, result) }
}

let pluginOnEvent: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafePointer<UInt8>?, Int) -> Void = {
    _, topic, payload, length in
    guard let runtime = PluginRuntime.shared, let topic else { return }
    runtime.event(topic: String(cString: topic),
                  payload: payload.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? [])
}

let pluginHTTPBegin: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<reel_http_request>?, OpaquePointer?,
                                     UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 = {
    _, request, exchange, exchangeState in
    guard let runtime = PluginRuntime.shared, let request else { return 1 }
    let receiver = runtime.httpBegin(index: Int(request.pointee.route_index), head: HTTPRequestHead(request.pointee),
                                     token: UInt(bitPattern: exchange))
    guard let receiver else { return 1 }
    exchangeState?.pointee = Unmanaged.passRetained(HTTPExchangeBox(receiver)).toOpaque()
    return 0
}

let pluginHTTPBody: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int) -> Int32 = { state, data, length in
    guard let state else { return 1 }
    let box = Unmanaged<HTTPExchangeBox>.fromOpaque(state).takeUnretainedValue()
    return box.receiver.receive(UnsafeRawBufferPointer(start: data, count: length)) ? 0 : 1
}

let pluginHTTPEnd: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void = { state, aborted in
    guard let state else { return }
    let box = Unmanaged<HTTPExchangeBox>.fromOpaque(state).takeRetainedValue()
    box.receiver.finish(aborted: aborted != 0)
}
