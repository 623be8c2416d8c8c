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
        add(for: response) { headers.append(($0, $1)) }
        return headers
    }

    /// The same, handed to `add` one by one (no array: every response comes here).
    static func add(for response: HTTPResponse, _ add: (String, String) -> Void) {
        if response.header("X-Content-Type-Options") == nil { add("X-Content-Type-Options", "nosniff") }
        if let type = response.header("Content-Type"), isJSON(type), response.header("Cache-Control") == nil {
            add("Cache-Control", "no-store")
        }
        if response.status == 429, response.header("Retry-After") == nil, let seconds = retryAfter(response.body) {
            add("Retry-After", String(seconds))
        }
    }

    /// Whether a Content-Type starts with "application/json" (ASCII, any case).
    static func isJSON(_ type: String) -> Bool {
        let prefix: StaticString = "application/json"
        var type = type
        return type.withUTF8 { text in
            prefix.withUTF8Buffer { prefix in
                guard text.count >= prefix.count else { return false }
                for i in 0..<prefix.count {
                    let byte = text[i]
                    let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                    if lower != prefix[i] { return false }
                }
                return true
            }
        }
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
