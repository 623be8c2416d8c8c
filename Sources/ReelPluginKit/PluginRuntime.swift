import CReelABI
import Foundation
import ReelConcurrency
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
                    return .success(try await UnpackedMessages.scope { try await handler(service, call) })
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
                return UnpackedMessages.scope { begin(service, head, responder) }
            }
        }
        if let handler = d.onEvent {
            onEvent = { (service: any Sendable, topic: String, payload: [UInt8]) async -> Void in
                if let service = service as? Service { await UnpackedMessages.scope { await handler(service, topic, payload) } }
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
        // Runs on the calling (host) thread up to the handler's first
        // suspension: an answer that needs no waiting (a cached page, a
        // refused request) goes back without a thread hand-off, and the
        // host can send it without suspending the connection. After a query
        // the handler goes on on the database thread that ran it
        // (ResumeInlineExecutor), not on yet another thread.
        Task.immediate(executorPreference: ResumeInlineExecutor.shared) { reply(await handler(service, call)) }
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
