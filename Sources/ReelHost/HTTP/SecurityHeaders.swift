/// Headers the host adds to responses for safety, unless the response set
/// them itself:
/// - `X-Content-Type-Options: nosniff` on every response (browsers must
///   not guess a type other than the one sent);
/// - `Cache-Control: no-store` on JSON (API answers carry tokens and personal
///   data; a route that may be cached says so with its own Cache-Control);
/// - `Retry-After` on a 429 whose error message ends "try again in N s"
///   (the wording of every resource_exhausted error with a known wait).
enum SecurityHeaders {
    static func extra(for response: HTTPResponse) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if response.header("X-Content-Type-Options") == nil { headers.append(("X-Content-Type-Options", "nosniff")) }
        let type = response.header("Content-Type")?.lowercased() ?? ""
        if type.hasPrefix("application/json"), response.header("Cache-Control") == nil {
            headers.append(("Cache-Control", "no-store"))
        }
        if response.status == 429, response.header("Retry-After") == nil, let seconds = retryAfter(response.body) {
            headers.append(("Retry-After", String(seconds)))
        }
        return headers
    }

    /// N of "... try again in N s" in an error body.
    static func retryAfter(_ body: [UInt8]) -> Int? {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        guard let range = text.range(of: "try again in ", options: .backwards) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, text[range.upperBound...].dropFirst(digits.count).hasPrefix(" s") else { return nil }
        return Int(digits)
    }
}
