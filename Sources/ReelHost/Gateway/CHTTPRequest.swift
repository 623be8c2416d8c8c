import CReelABI
import Foundation

/// A reel_http_request and the C strings it points to, freed together.
final class CHTTPRequest {
    let pointer: UnsafeMutablePointer<reel_http_request>
    /// Every string of the request, NUL-terminated, one after another: one
    /// allocation per request instead of one per string.
    private let strings: UnsafeMutableRawBufferPointer
    private let headers: UnsafeMutablePointer<reel_http_header>
    private let params: UnsafeMutablePointer<reel_http_header>

    init(_ head: HTTPRequest, routeIndex: UInt32, parameters: [String: String], caller: Caller) {
        // In the dictionaries' order (the ABI promises none): no sorting per request.
        var size = 0
        for (name, value) in head.headers { size += name.utf8.count + value.utf8.count + 2 }
        for (name, value) in parameters { size += name.utf8.count + value.utf8.count + 2 }
        size += head.method.utf8.count + head.path.utf8.count + head.rawQuery.utf8.count + head.requestId.utf8.count
            + caller.userId.utf8.count + caller.role.utf8.count + head.remoteAddress.utf8.count + 7
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, size), alignment: 1)
        strings = buffer
        var used = 0
        func c(_ s: String) -> UnsafePointer<CChar>? {
            var s = s
            let start = used
            s.withUTF8 { utf8 in
                if let base = utf8.baseAddress, utf8.count > 0 {
                    (buffer.baseAddress! + used).copyMemory(from: base, byteCount: utf8.count)
                }
                used += utf8.count
            }
            buffer[used] = 0
            used += 1
            return UnsafePointer((buffer.baseAddress! + start).assumingMemoryBound(to: CChar.self))
        }
        headers = .allocate(capacity: max(1, head.headers.count))
        var headerCount = 0
        for (name, value) in head.headers {
            headers[headerCount] = reel_http_header(name: c(name), value: c(value))
            headerCount += 1
        }
        params = .allocate(capacity: max(1, parameters.count))
        var paramCount = 0
        for (name, value) in parameters {
            params[paramCount] = reel_http_header(name: c(name), value: c(value))
            paramCount += 1
        }
        let contentLength = head.headers["content-length"].flatMap { Int64($0) }
            ?? (head.headers["transfer-encoding"] == nil ? 0 : -1)
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: reel_http_request(
            struct_size: UInt32(MemoryLayout<reel_http_request>.size), route_index: routeIndex,
            method: c(head.method), path: c(head.path), query: c(head.rawQuery),
            headers: UnsafePointer(headers), header_count: headerCount,
            params: UnsafePointer(params), param_count: paramCount, content_length: contentLength,
            request_id: c(head.requestId), caller_user_id: c(caller.userId), caller_role: c(caller.role),
            client_address: c(head.remoteAddress)))
    }

    deinit {
        strings.deallocate()
        headers.deallocate()
        params.deallocate()
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
