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
    /// The body the plugin writes over time (ABI 1.3), while it is open.
    private var stream: ResponseStream?
    /// A Connect streaming route: the client's codec, and the request body
    /// gathered here (the plugin gets the unwrapped message).
    private var connectCodec: ConnectStreaming.Codec?
    private var connectBody: [UInt8] = []
    /// Connect-Content-Encoding of the request message (gzip or identity).
    private var connectEncoding = ConnectEncoding.identity
    /// Connect-Timeout-Ms, from the request's start: the stream ends with
    /// deadline_exceeded when it passes.
    private var connectDeadline: DispatchTime?

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
        // Every answer is tagged with the route (the metrics' label) where it
        // is made (`tagged`), not by wrapping `respond` per request.
        // A Connect stream checks its content type first (the spec's order:
        // 415 before any refusal of the caller) and answers in Connect's shape.
        let streamCodec = route.connectMethod.map { _ in ConnectStreaming.codec(contentType: head.header("content-type")) }
        if case .some(.none) = streamCodec {
            finishRefused(with: ConnectHandler.errorResponse(.unsupportedMediaType(
                head.header("content-type") ?? "", expected: "\(ConnectStreaming.protoType) or \(ConnectStreaming.jsonType) "
                    + "(a server-streaming method)"), requestId: head.requestId), respond: respond)
            return false
        }
        let caller: Caller
        do {
            caller = try gateway.authorizeBlocking(head, for: route.access)
        } catch {
            finishRefused(with: streamCodec != nil ? ConnectHandler.errorResponse(error, requestId: head.requestId)
                                                    : .error(error, requestId: head.requestId), respond: respond)
            return false
        }
        if case .some(.some(let codec)) = streamCodec {
            let started = DispatchTime.now()
            do throws(APIError) {
                let encoding = try ConnectEncoding.named(head.header("connect-content-encoding"), header: "Connect-Content-Encoding")
                let timeout = try ConnectRequest.timeout(head.header("connect-timeout-ms"))
                lock.withLock {
                    connectCodec = codec
                    connectEncoding = encoding
                    connectDeadline = timeout.map { started + .nanoseconds(Int(min($0, 1e9) * 1e9)) }
                }
            } catch {
                finishRefused(with: ConnectStreaming.errorResponse(error, codec: codec), respond: respond)
                return false
            }
        }
        guard let begin = generation.descriptor.pointee.http_begin else {
            finishRefused(with: .error(APIError(.unimplemented, "the plugin has no http_begin"), requestId: head.requestId),
                          respond: respond)
            return false
        }
        let request = CHTTPRequest(head, routeIndex: route.index, parameters: parameters, caller: caller)
        let token = HTTPExchanges.shared.register(self)
        lock.withLock {
            self.respond = respond
            self.request = request
            self.token = token
            phase = .streaming
        }
        var state: UnsafeMutableRawPointer?
        let result = CurrentTrace.with(head.trace) {
            begin(generation.state, request.pointer, OpaquePointer(bitPattern: token), &state)
        }
        let proceed: Bool = lock.withLock {
            pluginState = state
            if result != 0 { phase = .refused }
            return result == 0
        }
        if !proceed { releaseIfDone() }
        return proceed
    }

    func body(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        if route.connectMethod != nil {
            lock.withLock { connectBody.append(contentsOf: chunk) } // the host's body limit applies
            return true
        }
        guard let httpBody = generation.descriptor.pointee.http_body else { return false }
        let state = lock.withLock { pluginState }
        return CurrentTrace.with(head.trace) { httpBody(state, chunk.baseAddress, chunk.count) } == 0
    }

    func end(aborted: Bool) {
        let (state, wasStreaming): (UnsafeMutableRawPointer?, Bool) = lock.withLock {
            let streaming = phase == .streaming
            if phase == .created { phase = .ended; replied = true } // refused before start: nothing to wait for
            else if streaming { phase = .ended }
            return (pluginState, streaming)
        }
        var aborted = aborted
        if wasStreaming, !aborted, let method = route.connectMethod {
            aborted = !deliverConnectRequest(state: state, method: method)
        }
        if wasStreaming, let httpEnd = generation.descriptor.pointee.http_end {
            CurrentTrace.with(head.trace) { httpEnd(state, aborted ? 1 : 0) }
        }
        releaseIfDone()
    }

    /// The plugin's answer (from HostAPI.http_reply / http_reply_fd).
    func reply(_ response: consuming HTTPResponse) {
        let respond: (@Sendable (HTTPResponse) -> Void)? = lock.withLock {
            if replied { return nil }
            replied = true
            return self.respond
        }
        guard let respond else {
            response.discard()
            return
        }
        var tagged = consume response
        tagged.headers.append(("Reel-Plugin", generation.label))
        tagged.shareable = route.access == .public // ResponseCache: its own headers decide the rest
        respond(self.tagged(tagged))
        releaseIfDone()
    }

    /// The answer with its route template (the metrics' `http_route` label).
    private func tagged(_ response: consuming HTTPResponse) -> HTTPResponse {
        var response = consume response
        response.route = route.pattern.description
        return response
    }

    /// A Connect streaming request: its one message, unwrapped (and
    /// transcoded from JSON), to the plugin as the body. False after
    /// answering a bad request with the end-of-stream error.
    private func deliverConnectRequest(state: UnsafeMutableRawPointer?, method: MethodInfo) -> Bool {
        let (body, codec, encoding) = lock.withLock { (connectBody, connectCodec ?? .proto, connectEncoding) }
        do throws(APIError) {
            var message = try ConnectStreaming.unwrap(body, encoding: encoding, limit: maxBodyBytes)
            if let input = method.input {
                if codec == .json {
                    message = try ProtoJSON.proto(fromJSON: message, overrides: [], as: input)
                } else {
                    try ProtoJSON.validate(message, as: input)
                }
            }
            if let httpBody = generation.descriptor.pointee.http_body {
                _ = message.withUnsafeBufferPointer { httpBody(state, $0.baseAddress, $0.count) }
            }
            return true
        } catch {
            reply(ConnectStreaming.errorResponse(error, codec: codec))
            return false
        }
    }

    /// A Connect stream's next message (HostAPI.http_stream_message): framed,
    /// and transcoded to JSON for a +json client.
    func streamMessage(_ payload: [UInt8]) -> ResponseStream.WriteResult {
        guard let stream = openStream, let method = route.connectMethod else { return .closed }
        var message = payload
        if lock.withLock({ connectCodec }) == .json, let output = method.output {
            do throws(APIError) {
                message = try ProtoJSON.json(from: payload, as: output)
            } catch {
                finishStream(status: .internal, message: "the service sent a malformed message")
                return .closed
            }
        }
        return ConnectStreaming.envelope(message).withUnsafeBytes { stream.write($0) }
    }

    /// Ends a Connect stream with its end-of-stream message.
    func finishStream(status: ReelStatus, message: String) {
        openStream?.end(trailer: ConnectStreaming.endStream(status == .ok ? nil : APIError(status, message)))
    }

    /// The plugin answers with a streamed body (HostAPI.http_stream_start).
    func startStream(status: Int, headers: [(name: String, value: String)]) -> ResponseStream.WriteResult {
        var headers = headers
        var trailer: [UInt8]?
        if let codec = lock.withLock({ connectCodec }) {
            // A Connect stream: 200 and its content type; ended by the host, it says why.
            headers = headers.filter { $0.name.lowercased() != "content-type" } + [("Content-Type", codec.contentType)]
            trailer = ConnectStreaming.endStream(APIError(.unavailable, "the server ended the stream; reconnect"))
        }
        let stream = ResponseStream(owner: ObjectIdentifier(generation), closingTrailer: trailer) { [weak self] in
            self?.streamClosed()
        }
        let respond: (@Sendable (HTTPResponse) -> Void)? = lock.withLock {
            if replied { return nil }
            replied = true
            self.stream = stream
            return self.respond
        }
        guard let respond else { return .closed }
        ResponseStreams.shared.add(stream)
        var response = HTTPResponse(status: trailer == nil ? status : 200, headers: headers)
        response.headers.append(("Reel-Plugin", generation.label))
        response.stream = stream
        respond(tagged(response))
        if let deadline = lock.withLock({ connectDeadline }) {
            DispatchQueue.global().asyncAfter(deadline: deadline) { [weak stream] in
                stream?.end(trailer: ConnectStreaming.endStream(APIError(.deadlineExceeded, "the stream reached its Connect-Timeout-Ms")))
            }
        }
        return .ok
    }

    /// The open stream (nil before http_stream_start and after it closed).
    var openStream: ResponseStream? { lock.withLock { stream } }

    /// The stream is over (libmicrohttpd freed it, or it was never sent):
    /// the plugin hears it once, then the exchange can go.
    private func streamClosed() {
        let (closed, token): (ResponseStream?, UInt) = lock.withLock {
            defer { stream = nil }
            return (stream, self.token)
        }
        guard let closed else { return }
        ResponseStreams.shared.remove(closed)
        if let callback = generation.httpStreamClosed { callback(generation.state, OpaquePointer(bitPattern: token)) }
        releaseIfDone()
    }

    private func finishRefused(with response: HTTPResponse, respond: @Sendable (HTTPResponse) -> Void) {
        lock.withLock {
            phase = .refused
            replied = true
        }
        respond(tagged(response))
        releaseIfDone()
    }

    /// Frees the request and lets the generation go once the plugin has
    /// replied and is past http_end (or refused at http_begin).
    private func releaseIfDone() {
        // One pass under the lock. `respond` holds the connection's
        // RequestContext, which holds this exchange: let go of it, or both
        // (and the answer) would leak. Both are dropped after the lock.
        let done: (token: UInt, request: CHTTPRequest?, respond: (@Sendable (HTTPResponse) -> Void)?)? = lock.withLock {
            guard !released, replied, stream == nil, phase == .ended || phase == .refused else { return nil }
            released = true
            defer {
                request = nil
                respond = nil
            }
            return (token, request, respond)
        }
        guard let done else { return }
        if done.token != 0 { HTTPExchanges.shared.remove(done.token) }
        generation.leave()
    }
}
