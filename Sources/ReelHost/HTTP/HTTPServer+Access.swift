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
            let headers = Self.values(connection, kind: MHD_ValueKind.HEADER_KIND)
            let context = RequestContext(
                connection: connection,
                method: method.map { String(cString: $0) } ?? "GET",
                path: url.map { String(cString: $0) } ?? "/",
                requestId: RequestID.accept(headers["x-request-id"]),
                remoteAddress: Self.peerAddress(connection))
            conCls.pointee = Unmanaged.passRetained(context).toOpaque()
            requestStarted(context)
            let length = headers["content-length"].flatMap(Int.init)
            let head = makeRequest(connection: connection, context: context, headers: headers, body: [])
            if let exchange = handler.begin(head) {
                let bodyless = (length ?? 0) == 0 && headers["transfer-encoding"] == nil
                return startExchange(exchange, context: context, contentLength: length, bodyless: bodyless)
            }
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
            let request = makeRequest(connection: connection, context: context,
                                      headers: Self.values(connection, kind: MHD_ValueKind.HEADER_KIND),
                                      body: context.takeBody())
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
    private func makeRequest(connection: OpaquePointer, context: RequestContext, headers: [String: String],
                             body: [UInt8]) -> HTTPRequest {
        var query: [(name: String, value: String)] = []
        Self.forEachValue(connection, kind: MHD_ValueKind.GET_ARGUMENT_KIND) { key, value in
            let name = PercentDecoding.decode(Substring(key), plusIsSpace: true) ?? key
            let decoded = value.flatMap { PercentDecoding.decode(Substring($0), plusIsSpace: true) } ?? (value ?? "")
            query.append((name, decoded))
        }
        return HTTPRequest(method: context.method, path: context.path, query: query, headers: headers,
                           body: body, requestId: context.requestId, remoteAddress: context.remoteAddress,
                           rawQuery: Self.rawQuery(connection))
    }

    /// Hands a response to libmicrohttpd, adding the headers every response carries.
    private func queue(_ response: HTTPResponse, context: RequestContext) -> MHD_Result {
        context.markQueued()
        var body = response.body
        let mhdResponse: OpaquePointer?
        if let file = response.file {
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
        for (name, value) in response.headers where name.lowercased() != "content-length" {
            _ = MHD_add_response_header(mhdResponse, name, value)
        }
        _ = MHD_add_response_header(mhdResponse, "X-Request-Id", context.requestId)
        if stopping.isSet { _ = MHD_add_response_header(mhdResponse, "Connection", "close") }
        context.recordSent(status: response.status, bytes: response.file.map { Int($0.length) } ?? body.count,
                           servedBy: response.header("Reel-Plugin"))
        return MHD_queue_response(context.connection, UInt32(response.status), mhdResponse)
    }

    /// Called when libmicrohttpd is done with a request (sent, or the client left).
    func finished(_ context: RequestContext) {
        if let exchange = context.exchange, context.endExchange() { exchange.end(aborted: true) }
        context.exchange = nil // the exchange's respond closure holds the context: no cycle left behind
        context.finish()
        requestEnded(context)
        AccessLog.write(context)
    }

    static func values(_ connection: OpaquePointer, kind: MHD_ValueKind) -> [String: String] {
        var result: [String: String] = [:]
        forEachValue(connection, kind: kind) { key, value in result[asciiLowercased(key)] = value ?? "" }
        return result
    }

    /// Header names are ASCII: lower-cased without Unicode tables (every
    /// request comes through here).
    static func asciiLowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return text }
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.lowercased() }
        return String(decoding: text.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    static func forEachValue(_ connection: OpaquePointer, kind: MHD_ValueKind, _ body: (String, String?) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = ValueVisitor(body)
            let unmanaged = Unmanaged.passRetained(box)
            defer { unmanaged.release() }
            _ = MHD_get_connection_values(connection, kind, { cls, _, key, value in
                guard let cls, let key else { return MHD_Result.YES }
                let visitor = Unmanaged<ValueVisitor>.fromOpaque(cls).takeUnretainedValue()
                visitor.visit(String(cString: key), value.map { String(cString: $0) })
                return MHD_Result.YES
            }, unmanaged.toOpaque())
        }
    }

    /// The query string as the client sent it (arguments are kept escaped).
    static func rawQuery(_ connection: OpaquePointer) -> String {
        var parts: [String] = []
        forEachValue(connection, kind: MHD_ValueKind.GET_ARGUMENT_KIND) { key, value in
            parts.append(value.map { "\(key)=\($0)" } ?? key)
        }
        return parts.joined(separator: "&")
    }

    static func peerAddress(_ connection: OpaquePointer) -> String {
        guard let address = reel_mhd_client_addr(connection) else { return "" }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let length = address.pointee.sa_family == sa_family_t(AF_INET6)
            ? socklen_t(MemoryLayout<sockaddr_in6>.size) : socklen_t(MemoryLayout<sockaddr_in>.size)
        guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { return "" }
        return String(cString: host)
    }
}

/// Carries a Swift closure through libmicrohttpd's iterator callback.
private final class ValueVisitor {
    let visit: (String, String?) -> Void
    init(_ visit: @escaping (String, String?) -> Void) { self.visit = visit }
}

enum RequestID {
    /// Keeps a client-supplied id if it is short and plain, else makes one.
    static func accept(_ supplied: String?) -> String {
        if let supplied, (1...64).contains(supplied.utf8.count),
           supplied.utf8.allSatisfy({ isalnum(Int32($0)) != 0 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) {
            return supplied
        }
        return make()
    }

    /// 32 hex digits. Not a secret: a fast generator seeded once from the
    /// system's (each request would otherwise cost two getrandom calls).
    static func make() -> String {
        let (a, b) = generator.withLock { $0.next2() }
        var text = [UInt8](repeating: 0, count: 32)
        let digits = Array("0123456789abcdef".utf8)
        for i in 0..<16 {
            text[15 - i] = digits[Int((a >> (UInt64(i) * 4)) & 0xF)]
            text[31 - i] = digits[Int((b >> (UInt64(i) * 4)) & 0xF)]
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let generator = LockedGenerator()
}

/// wyrand (a 64-bit mixing generator) under a lock, seeded from the system.
private final class LockedGenerator: @unchecked Sendable {
    struct State {
        var seed: UInt64
        mutating func next() -> UInt64 {
            seed &+= 0xa076_1d64_78bd_642f
            let product = seed.multipliedFullWidth(by: seed ^ 0xe703_7ed1_a0b4_28db)
            return product.high ^ product.low
        }
        mutating func next2() -> (UInt64, UInt64) { (next(), next()) }
    }
    private let lock = NSLock()
    private var state: State
    init() {
        var system = SystemRandomNumberGenerator()
        state = State(seed: system.next())
    }
    func withLock<T>(_ body: (inout State) -> T) -> T { lock.withLock { body(&state) } }
}
