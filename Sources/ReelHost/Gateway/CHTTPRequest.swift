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
        let headerList = head.headers.sorted { $0.key < $1.key }
        let paramList = parameters.sorted { $0.key < $1.key }
        var size = 0
        for (name, value) in headerList { size += name.utf8.count + value.utf8.count + 2 }
        for (name, value) in paramList { size += name.utf8.count + value.utf8.count + 2 }
        for text in [head.method, head.path, head.rawQuery, head.requestId, caller.userId, caller.role, head.remoteAddress] {
            size += text.utf8.count + 1
        }
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
        headers = .allocate(capacity: max(1, headerList.count))
        for (i, (name, value)) in headerList.enumerated() { headers[i] = reel_http_header(name: c(name), value: c(value)) }
        params = .allocate(capacity: max(1, paramList.count))
        for (i, (name, value)) in paramList.enumerated() { params[i] = reel_http_header(name: c(name), value: c(value)) }
        let contentLength = head.header("content-length").flatMap { Int64($0) } ?? (head.header("transfer-encoding") == nil ? 0 : -1)
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: reel_http_request(
            struct_size: UInt32(MemoryLayout<reel_http_request>.size), route_index: routeIndex,
            method: c(head.method), path: c(head.path), query: c(head.rawQuery),
            headers: UnsafePointer(headers), header_count: headerList.count,
            params: UnsafePointer(params), param_count: paramList.count, content_length: contentLength,
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
