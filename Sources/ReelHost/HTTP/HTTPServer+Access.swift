import CMicroHTTPD
import Foundation

extension HTTPServer {
    /// libmicrohttpd's access handler: called once with the headers, then
    /// once per chunk of body, then once more when the body is complete (and
    /// again after each resume).
    func access(connection: OpaquePointer, url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?,
                uploadData: UnsafePointer<CChar>?, uploadDataSize: UnsafeMutablePointer<Int>,
                conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> MHD_Result {
        guard let existing = conCls.pointee else {
            HeaderDeadline.headersReceived(connection)
            // Headers and query read once: the head serves the routing below
            // and, with its body, the handler later (makeRequest is not redone).
            var headers = Self.headers(connection)
            let context = RequestContext(
                connection: connection,
                method: method.map { String(cString: $0) } ?? "GET",
                path: url.map { String(cString: $0) } ?? "/",
                requestId: RequestID.accept(headers.requestId),
                remoteAddress: limits.trustedProxies.clientAddress(peer: Self.peerAddress(connection),
                                                                    forwardedFor: headers.forwardedFor),
                trace: .accept(traceparent: headers.traceparent, tracestate: headers.tracestate))
            conCls.pointee = Unmanaged.passRetained(context).toOpaque()
            requestStarted(context)
            metrics?.requestStarted()
            let length = headers.contentLength.flatMap(Int.init)
            if let framing = RequestFraming.refusal(headers.all) {
                // Before any protocol is chosen: the web API's error shape, and the connection closed.
                return queue(HTTPResponse.error(framing, requestId: context.requestId).closingConnection, context: context)
            }
            // A public answer kept by the gateway: sent at libmicrohttpd's next call, no routing.
            if answeredFromCache(context, headers: &headers.byName) { return MHD_Result.YES }
            let head = makeRequest(connection: connection, context: context, headers: headers.byName)
            if let exchange = handler.begin(head) {
                let bodyless = (length ?? 0) == 0 && headers.transferEncoding == nil
                return startExchange(exchange, context: context, contentLength: length, bodyless: bodyless)
            }
            context.head = head
            if let length, length > limits.maxBodyBytes {
                // Refuse before reading (and before "100 Continue"): nothing is buffered.
                return queue(refusal(.bodyTooLarge(limit: limits.maxBodyBytes), context: context), context: context)
            }
            return MHD_Result.YES
        }
        let context = Unmanaged<RequestContext>.fromOpaque(existing).takeUnretainedValue()

        if uploadDataSize.pointee > 0 {
            let size = uploadDataSize.pointee
            uploadDataSize.pointee = 0
            guard let uploadData else { return MHD_Result.YES }
            return uploadData.withMemoryRebound(to: UInt8.self, capacity: size) {
                receive(UnsafeBufferPointer(start: $0, count: size), context: context)
            }
        }

        if let exchange = context.exchange {
            if context.endExchange() { exchange.end(aborted: false) }
        } else if context.markDispatched() && !context.hasResponse {
            // Taken, not copied (a copy retains each of its strings).
            var request = context.head.take() ?? makeRequest(connection: connection, context: context,
                                                             headers: Self.headers(connection).byName)
            request.body = context.takeBody()
            handler.handle(request) { [context] response in context.complete(response) }
        }
        guard let response = context.responseOrSuspend(unless: live) else { return MHD_Result.YES }
        return queue(response, context: context)
    }

    /// A body chunk: to the plugin of a streaming exchange, or into the buffer.
    private func receive(_ chunk: UnsafeBufferPointer<UInt8>, context: RequestContext) -> MHD_Result {
        if let exchange = context.exchange {
            guard context.exchangeState == .streaming else { return MHD_Result.YES } // stopped: discard
            if context.addReceived(chunk.count) > exchange.maxBodyBytes {
                context.exchangeState = .stopped
                context.setResponse(refusal(.bodyTooLarge(limit: exchange.maxBodyBytes), context: context))
                return MHD_Result.YES
            }
            if !exchange.body(chunk) { context.exchangeState = .stopped }
            return MHD_Result.YES
        }
        if context.hasResponse { return MHD_Result.YES } // already refused: discard the rest
        if context.bodyCount + chunk.count > limits.maxBodyBytes {
            _ = context.takeBody()
            context.setResponse(refusal(.bodyTooLarge(limit: limits.maxBodyBytes), context: context))
            return MHD_Result.YES
        }
        context.append(chunk)
        return MHD_Result.YES
    }

    /// Hands a request's body to a plugin as it arrives.
    private func startExchange(_ exchange: StreamingExchange, context: RequestContext, contentLength: Int?,
                               bodyless: Bool) -> MHD_Result {
        context.exchange = exchange
        if let contentLength, contentLength > exchange.maxBodyBytes {
            exchange.end(aborted: true)
            return queue(refusal(.bodyTooLarge(limit: exchange.maxBodyBytes), context: context), context: context)
        }
        context.exchangeState = .streaming
        if exchange.start(respond: { [context] in context.complete($0) }) { return MHD_Result.YES }
        // Refused at the start: the plugin has answered; the body is not read.
        context.exchangeState = .ended
        // Without a body (a GET answered at once, e.g. a media file), the
        // answer waits for libmicrohttpd's next call: queued during the
        // first one, it would close the connection (it cannot tell an
        // unread body from none) and cost keep-alive clients a reconnect.
        if bodyless { return MHD_Result.YES }
        let response = context.responseOrSuspend(unless: live)
        return response.map { queue($0, context: context) } ?? MHD_Result.YES
    }

    /// An error answered before routing, in the error shape the handler
    /// gives the path's protocol.
    func refusal(_ error: APIError, context: RequestContext) -> HTTPResponse {
        handler.errorResponse(error, path: context.path, requestId: context.requestId)
    }

    /// Builds the handler's view of a complete request.
    private func makeRequest(connection: OpaquePointer, context: RequestContext, headers: [String: String]) -> HTTPRequest {
        let query = Self.query(connection)
        var request = HTTPRequest(method: context.method, path: context.path, query: query.decoded, headers: headers,
                                  body: [], requestId: context.requestId, remoteAddress: context.remoteAddress,
                                  rawQuery: query.raw)
        request.trace = context.trace
        return request
    }

    /// Hands a response to libmicrohttpd, adding the headers every response carries.
    private func queue(_ response: HTTPResponse, context: RequestContext) -> MHD_Result {
        context.markQueued()
        let response = keptInCache(response, context: context)
        var body = response.body
        let mhdResponse: OpaquePointer?
        if let stream = response.stream {
            // Chunked, read by streamReaderCallback as the plugin writes;
            // libmicrohttpd releases the stream when it frees the response.
            stream.attach(context.connection)
            mhdResponse = MHD_create_response_from_callback(UInt64.max /* MHD_SIZE_UNKNOWN */, 16 * 1024,
                                                            streamReaderCallback, Unmanaged.passRetained(stream).toOpaque(),
                                                            streamFreeCallback)
            if mhdResponse == nil { stream.release() }
        } else if let file = response.file {
            // libmicrohttpd owns the descriptor from here (sendfile, then close).
            mhdResponse = MHD_create_response_from_fd_at_offset64(file.length, file.fd, file.offset)
            if mhdResponse == nil { close(file.fd) }
        } else if response.status == 304, let length = response.header("Content-Length").flatMap(UInt64.init) {
            // A 304 has no body but may state the 200's Content-Length (RFC
            // 9110 §8.6), and libmicrohttpd states the size of the response
            // object: one of that size whose reader is never called.
            mhdResponse = MHD_create_response_from_callback(length, 4096, unreadableBody, nil, nil)
        } else {
            mhdResponse = body.withUnsafeMutableBytes { raw in
                MHD_create_response_from_buffer(raw.count, raw.baseAddress, MHD_ResponseMemoryMode.RESPMEM_MUST_COPY)
            }
        }
        guard let mhdResponse else { return MHD_Result.NO }
        defer { MHD_destroy_response(mhdResponse) }
        // Content-Length is libmicrohttpd's own (it refuses the header).
        for (name, value) in response.headers where !HeaderName.equal(name, "Content-Length") {
            Self.addHeader(mhdResponse, name, value)
        }
        Self.addHeader(mhdResponse, "X-Request-Id", context.requestId)
        Self.addHeader(mhdResponse, "traceparent", context.trace.traceparent)
        if let state = context.trace.state { Self.addHeader(mhdResponse, "tracestate", state) }
        SecurityHeaders.add(for: response) { Self.addHeader(mhdResponse, $0, $1) }
        if stopping.isSet { Self.addHeader(mhdResponse, "Connection", "close") }
        context.recordSent(status: response.status, bytes: response.file.map { Int($0.length) } ?? body.count,
                           servedBy: response.header("Reel-Plugin"), route: response.route)
        return MHD_queue_response(context.connection, UInt32(response.status), mhdResponse)
    }

    /// One response header. The strings' own UTF-8 goes to libmicrohttpd
    /// (which copies it): passing a String where C wants a `char *` would
    /// copy each into a new array first, twice per header on every request.
    static func addHeader(_ response: OpaquePointer, _ name: String, _ value: String) {
        name.withCString { name in
            value.withCString { value in _ = MHD_add_response_header(response, name, value) }
        }
    }

    /// Called when libmicrohttpd is done with a request (sent, or the client left).
    func finished(_ context: RequestContext) {
        HeaderDeadline.requestCompleted(context.connection, seconds: limits.connectionTimeoutSeconds)
        if let exchange = context.exchange, context.endExchange() { exchange.end(aborted: true) }
        context.exchange = nil // the exchange's respond closure holds the context: no cycle left behind
        context.finish()
        requestEnded(context)
        let now = DispatchTime.now().uptimeNanoseconds // one reading for the metrics and the log line
        if let metrics {
            let seconds = Double(now &- context.startedNanos) / 1e9
            metrics.requestFinished(method: context.method, route: context.route ?? "unmatched",
                                    status: context.sentStatus == 0 ? 499 : context.sentStatus, seconds: seconds,
                                    requestBytes: context.receivedBytes, responseBytes: context.sentBytes)
        }
        AccessLog.write(context, now: now)
    }
}
