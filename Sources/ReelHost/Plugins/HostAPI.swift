import CReelABI
import Foundation
import Logging

/// The table of host functions every plugin receives (reel_host_api). One
/// table for all plugins: each function finds its plugin through `reel_host *`.
enum HostAPI {
    nonisolated(unsafe) static let table: UnsafePointer<reel_host_api> = {
        let table = UnsafeMutablePointer<reel_host_api>.allocate(capacity: 1)
        table.initialize(to: reel_host_api())
        table.pointee.struct_size = UInt32(MemoryLayout<reel_host_api>.size)
        table.pointee.abi_minor = UInt32(REEL_ABI_MINOR)
        table.pointee.log = hostLog
        table.pointee.config_get = hostConfigGet
        table.pointee.reply = hostReply
        table.pointee.bus_call = hostBusCall
        table.pointee.publish = hostPublish
        table.pointee.http_reply = hostHTTPReply
        table.pointee.http_reply_fd = hostHTTPReplyFD
        addStreaming(table)
        table.pointee.metrics = metricsTable
        addTrace(table)
        return UnsafePointer(table)
    }()
}

private let hostLog: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?) -> Void = { host, level, message in
    guard let context = HostContext.from(host) else { return }
    let text = message.map { String(cString: $0) } ?? ""
    let swiftLevel: Logger.Level = switch level {
    case ..<REEL_LOG_INFO: .debug
    case ..<REEL_LOG_WARN: .info
    case ..<REEL_LOG_ERROR: .warning
    default: .error
    }
    // Logged while running a traced call on this thread: the line carries its trace.
    if let trace = CurrentTrace.value {
        context.logger.log(level: swiftLevel, "\(text)",
                           metadata: ["traceId": "\(trace.traceId)", "spanId": "\(trace.spanId)"])
    } else {
        context.logger.log(level: swiftLevel, "\(text)")
    }
}

private let hostConfigGet: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> UnsafePointer<CChar>? = { host, key in
    guard let context = HostContext.from(host), let key else { return nil }
    return context.configValue(String(cString: key))
}

private let hostReply: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<UInt8>?, Int) -> Void = {
    reply, status, message, payload, length in
    let result = BusResult(
        status: ReelStatus(rawValue: status),
        message: message.map { String(cString: $0) } ?? "",
        payload: payload.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? [])
    PendingCalls.shared.complete(token: UInt(bitPattern: reply), with: result)
}

private let hostBusCall: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<UInt8>?, Int,
                                         reel_bus_callback?, UnsafeMutableRawPointer?) -> Void = {
    host, method, payload, length, callback, userData in
    guard let callback else { return }
    guard let context = HostContext.from(host), let method else {
        callback(userData, REEL_INVALID_ARGUMENT, "bus_call needs a host and a method", nil, 0)
        return
    }
    let bytes = payload.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
    // The calling generation stays in flight until its callback has run.
    let caller = context.generation
    guard caller?.enter() ?? true else {
        callback(userData, REEL_UNAVAILABLE, "the calling plugin generation has been retired", nil, 0)
        return
    }
    let userDataBits = UInt(bitPattern: userData)
    context.bus.call(method: String(cString: method), payload: bytes, caller: .internal,
                     requestId: "bus-" + RequestID.make()) { result in
        result.message.withCString { messagePointer in
            result.payload.withUnsafeBufferPointer { buffer in
                callback(UnsafeMutableRawPointer(bitPattern: userDataBits), result.status.rawValue,
                         result.status == .ok ? nil : messagePointer, buffer.baseAddress, buffer.count)
            }
        }
        caller?.leave()
    }
}

private let hostPublish: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<UInt8>?, Int) -> Int32 = {
    host, topic, payload, length in
    guard let context = HostContext.from(host), let topic else { return 0 }
    let bytes = payload.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
    return Int32(context.bus.publish(topic: String(cString: topic), payload: bytes))
}

func copyHeaders(_ headers: UnsafePointer<reel_http_header>?, _ count: Int) -> [(name: String, value: String)] {
    var copied: [(name: String, value: String)] = []
    // Room for the headers the host adds on the way out (Reel-Plugin), without regrowing.
    copied.reserveCapacity(count + 1)
    guard let headers else { return copied }
    for i in 0..<count {
        guard let name = headers[i].name, let value = headers[i].value else { continue }
        copied.append((KnownHeaderNames.names.string(name), KnownHeaderNames.values.string(value)))
    }
    return copied
}

private let hostHTTPReply: @convention(c) (OpaquePointer?, Int32, UnsafePointer<reel_http_header>?, Int,
                                           UnsafePointer<UInt8>?, Int) -> Void = {
    exchange, status, headers, headerCount, body, length in
    // Nothing is copied for an exchange that is gone (answered already, or a stray token).
    guard let found = HTTPExchanges.shared.find(UInt(bitPattern: exchange)) else { return }
    found.reply(HTTPResponse(status: Int(status), headers: copyHeaders(headers, headerCount),
                             body: body.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []))
}

private let hostHTTPReplyFD: @convention(c) (OpaquePointer?, Int32, UnsafePointer<reel_http_header>?, Int,
                                             Int32, UInt64, UInt64) -> Void = {
    exchange, status, headers, headerCount, fd, offset, length in
    var info = stat()
    // Only regular files go out with sendfile; anything else is refused here.
    guard fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
          offset <= UInt64(info.st_size), length <= UInt64(info.st_size) - offset,
          let found = HTTPExchanges.shared.find(UInt(bitPattern: exchange)) else {
        if fd >= 0 { close(fd) }
        HTTPExchanges.shared.find(UInt(bitPattern: exchange))?.reply(
            .error(APIError(.internal, "the service answered with an unusable file"), requestId: ""))
        return
    }
    found.reply(HTTPResponse(status: Int(status), headers: copyHeaders(headers, headerCount),
                             file: HTTPResponse.FileBody(fd: fd, offset: offset, length: length)))
}

// MARK: - Streamed responses (ABI 1.3)

private let hostHTTPStreamStart: @convention(c) (OpaquePointer?, Int32, UnsafePointer<reel_http_header>?, Int) -> Int32 = {
    exchange, status, headers, headerCount in
    guard let found = HTTPExchanges.shared.find(UInt(bitPattern: exchange)) else { return REEL_STREAM_CLOSED_VALUE }
    return found.startStream(status: Int(status), headers: copyHeaders(headers, headerCount)).rawValue
}

private let hostHTTPStreamWrite: @convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, Int) -> Int32 = { exchange, data, length in
    guard let stream = HTTPExchanges.shared.find(UInt(bitPattern: exchange))?.openStream else { return REEL_STREAM_CLOSED_VALUE }
    guard length > 0 else { return stream.isEnding ? REEL_STREAM_CLOSED_VALUE : 0 }
    guard let data else { return REEL_STREAM_CLOSED_VALUE }
    return stream.write(UnsafeRawBufferPointer(start: data, count: length)).rawValue
}

private let hostHTTPStreamEnd: @convention(c) (OpaquePointer?) -> Void = { exchange in
    HTTPExchanges.shared.find(UInt(bitPattern: exchange))?.openStream?.end()
}

private let hostHTTPStreamMessage: @convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, Int) -> Int32 = { exchange, data, length in
    guard let found = HTTPExchanges.shared.find(UInt(bitPattern: exchange)) else { return REEL_STREAM_CLOSED_VALUE }
    let payload = data.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
    return found.streamMessage(payload).rawValue
}

private let hostHTTPStreamFinish: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?) -> Void = { exchange, status, message in
    HTTPExchanges.shared.find(UInt(bitPattern: exchange))?.finishStream(
        status: ReelStatus(rawValue: status), message: message.map { String(cString: $0) } ?? "")
}

private let REEL_STREAM_CLOSED_VALUE = Int32(REEL_STREAM_CLOSED)

extension HostAPI {
    /// Fills the 1.3 slots of the table.
    static func addStreaming(_ table: UnsafeMutablePointer<reel_host_api>) {
        table.pointee.http_stream_start = hostHTTPStreamStart
        table.pointee.http_stream_write = hostHTTPStreamWrite
        table.pointee.http_stream_end = hostHTTPStreamEnd
        table.pointee.http_stream_message = hostHTTPStreamMessage
        table.pointee.http_stream_finish = hostHTTPStreamFinish
    }
}

/// The header names and values plugins answer with most, as the host's own
/// strings: one spelled exactly so costs no new string per reply (anything
/// else is copied as before).
struct KnownHeaderNames: Sendable {
    static let names = KnownHeaderNames([
        "Content-Type", "Cache-Control", "ETag", "Accept-Ranges", "X-Content-Type-Options", "Last-Modified",
        "Content-Range", "Content-Length", "Location", "Vary", "Content-Disposition",
    ])
    /// Fixed values of media answers (the video plugin's content types and
    /// Cache-Control texts) and of JSON ones.
    static let values = KnownHeaderNames([
        "application/vnd.apple.mpegurl", "application/dash+xml", "video/mp4", "video/iso.segment", "image/jpeg",
        "application/json", "public, max-age=31536000, immutable", "public, max-age=60", "public, no-cache",
        "private, no-cache", "no-store", "no-cache", "bytes", "nosniff",
    ])

    /// Indexed by length (an array, not a dictionary: no hashing per header).
    private let byLength: [[(bytes: [UInt8], name: String)]]

    init(_ strings: [String]) {
        var byLength = [[(bytes: [UInt8], name: String)]](repeating: [], count: 1 + (strings.map(\.utf8.count).max() ?? 0))
        for string in strings { byLength[string.utf8.count].append((Array(string.utf8), string)) }
        self.byLength = byLength
    }

    func string(_ text: UnsafePointer<CChar>) -> String {
        let length = strlen(text)
        if length < byLength.count {
            let candidates = byLength[length]
            for candidate in candidates where candidate.bytes.withUnsafeBytes({ bytes in
                bytes.baseAddress.map { memcmp($0, text, length) == 0 } ?? false
            }) {
                return candidate.name
            }
        }
        return String(cString: text)
    }

    static func string(_ name: UnsafePointer<CChar>) -> String { names.string(name) }
}
