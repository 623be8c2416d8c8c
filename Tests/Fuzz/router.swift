// libFuzzer harness: the host router's path decoding and matching
// (Sources/ReelHost/Routing/Router.swift, PercentDecoding of HTTPRequest.swift).
// Input: a raw request path (and, after a '?', a query string).
// Built with the sources it tests by tools/fuzz (name: router).
import Foundation

private let router: Router<Int> = {
    var r = Router<Int>()
    let routes = ["/api/v1/videos/{id}", "/api/v1/videos/{id}/views", "/api/v1/uploads/{id}",
                  "/media/videos/{id}/{path...}", "/media/s/{expires}/{signature}/videos/{id}/{path...}",
                  "/web/{path...}", "/api/v1/hello/{name}"]
    for (i, pattern) in routes.enumerated() {
        guard let p = RoutePattern(pattern) else { fatalError("bad pattern \(pattern)") }
        _ = r.add("GET", p, i)
    }
    return r
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let path = String(parts[0])
    if let segments = Router<Int>.decodeSegments(path) {
        for segment in segments {
            precondition(segment != "." && segment != ".." && !segment.isEmpty, "bad segment \(segment.debugDescription)")
            precondition(!segment.utf8.contains(0) && !segment.utf8.contains(UInt8(ascii: "/")), "decoded / or NUL")
        }
    }
    switch router.match(method: "GET", path: path) {
    case .found(_, let parameters):
        for (_, value) in parameters { precondition(!value.utf8.contains(0), "NUL in a parameter") }
    default: break
    }
    if parts.count == 2 { _ = PercentDecoding.parseQuery(parts[1]) }
    _ = RoutePattern(path)
    return 0
}
