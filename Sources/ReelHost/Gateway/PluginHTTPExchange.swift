import CReelABI
import Foundation

/// One request on a plugin's raw HTTP route (ABI 1.2): the access check, then
/// http_begin, the body chunk by chunk (http_body), http_end, and the
/// plugin's reply (http_reply / http_reply_fd, any thread). The generation
/// stays in flight until the plugin has both replied and seen http_end.
final class PluginHTTPExchange: StreamingExchange, @unchecked Sendable {
    let maxBodyBytes: Int
    private let gateway: Gateway
    private let generation: PluginGeneration
    private let route: HTTPRouteInfo
    private let head: HTTPRequest
    private let parameters: [String: String]

    private let lock = NSLock()
    private enum Phase { case created, streaming, refused, ended }
    private var phase = Phase.created
    private var replied = false
    private var released = false
    private var respond: (@Sendable (HTTPResponse) -> Void)?
    private var pluginState: UnsafeMutableRawPointer?
    private var token: UInt = 0
    private var request: CHTTPRequest?

    init(gateway: Gateway, target: PluginRegistry.HTTPRouteTarget, head: HTTPRequest, parameters: [String: String],
         defaultMaxBodyBytes: Int) {
        self.gateway = gateway
        self.generation = target.generation
        self.route = target.route
        self.head = head
        self.parameters = parameters
        let limit = target.route.maxBodyBytes
        self.maxBodyBytes = limit == 0 ? defaultMaxBodyBytes : Int(clamping: limit)
    }

    func start(respond: @escaping @Sendable (HTTPResponse) -> Void) -> Bool {
        lock.withLock { self.respond = respond }
        let caller: Caller
        do {
            caller = try gateway.authorizeBlocking(head, for: route.access)
        } catch {
            finishRefused(with: .error(error, requestId: head.requestId))
            return false
        }
        guard let begin = generation.descriptor.pointee.http_begin else {
            finishRefused(with: .error(APIError(.unimplemented, "the plugin has no http_begin"), requestId: head.requestId))
            return false
        }
        let request = CHTTPRequest(head, routeIndex: route.index, parameters: parameters, caller: caller)
        let token = HTTPExchanges.shared.register(self)
        lock.withLock {
            self.request = request
            self.token = token
            phase = .streaming
        }
        var state: UnsafeMutableRawPointer?
        let result = begin(generation.state, request.pointer, OpaquePointer(bitPattern: token), &state)
        let proceed: Bool = lock.withLock {
            pluginState = state
            if result != 0 { phase = .refused }
            return result == 0
        }
        if !proceed { releaseIfDone() }
        return proceed
    }

    func body(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let httpBody = generation.descriptor.pointee.http_body else { return false }
        let state = lock.withLock { pluginState }
        return httpBody(state, chunk.baseAddress, chunk.count) == 0
    }

    func end(aborted: Bool) {
        let (state, wasStreaming): (UnsafeMutableRawPointer?, Bool) = lock.withLock {
            let streaming = phase == .streaming
            if phase == .created { phase = .ended; replied = true } // refused before start: nothing to wait for
            else if streaming { phase = .ended }
            return (pluginState, streaming)
        }
        if wasStreaming, let httpEnd = generation.descriptor.pointee.http_end { httpEnd(state, aborted ? 1 : 0) }
        releaseIfDone()
    }

    /// The plugin's answer (from HostAPI.http_reply / http_reply_fd).
    func reply(_ response: HTTPResponse) {
        let respond: (@Sendable (HTTPResponse) -> Void)? = lock.withLock {
            if replied { return nil }
            replied = true
            return self.respond
        }
        guard let respond else {
            response.discard()
            return
        }
        var tagged = response
        tagged.headers.append(("Reel-Plugin", generation.label))
        respond(tagged)
        releaseIfDone()
    }

    private func finishRefused(with response: HTTPResponse) {
        lock.withLock {
            phase = .refused
            replied = true
        }
        respond?(response)
        releaseIfDone()
    }

    /// Frees the request and lets the generation go once the plugin has
    /// replied and is past http_end (or refused at http_begin).
    private func releaseIfDone() {
        let release: Bool = lock.withLock {
            guard !released, replied, phase == .ended || phase == .refused else { return false }
            released = true
            return true
        }
        guard release else { return }
        let token = lock.withLock { self.token }
        if token != 0 { HTTPExchanges.shared.remove(token) }
        // `respond` holds the connection's RequestContext, which holds this
        // exchange: let go of it, or both (and the answer) would leak.
        lock.withLock {
            request = nil
            respond = nil
        }
        generation.leave()
    }
}
