import CReelABI
import Foundation

/// A reel_http_request and the C strings it points to, freed together.
final class CHTTPRequest {
    let pointer: UnsafeMutablePointer<reel_http_request>
    private let strings: [UnsafeMutablePointer<CChar>?]
    private let headers: UnsafeMutablePointer<reel_http_header>
    private let params: UnsafeMutablePointer<reel_http_header>

    init(_ head: HTTPRequest, routeIndex: UInt32, parameters: [String: String], caller: Caller) {
        var owned: [UnsafeMutablePointer<CChar>?] = []
        func c(_ s: String) -> UnsafePointer<CChar>? {
            let copy = strdup(s)
            owned.append(copy)
            return UnsafePointer(copy)
        }
        let headerList = head.headers.sorted { $0.key < $1.key }
        headers = .allocate(capacity: max(1, headerList.count))
        for (i, (name, value)) in headerList.enumerated() { headers[i] = reel_http_header(name: c(name), value: c(value)) }
        let paramList = parameters.sorted { $0.key < $1.key }
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
        strings = owned
    }

    deinit {
        strings.forEach { free($0) }
        headers.deallocate()
        params.deallocate()
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
