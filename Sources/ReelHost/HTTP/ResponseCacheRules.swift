import Foundation

/// What the gateway's cache (`ResponseCache`) may answer and keep: RFC
/// 9111's rules for a shared cache, taken conservatively (when in doubt the
/// request goes to the plugin and the answer is not kept).
enum ResponseCacheRules {
    /// Whether a request (headers by lower-cased name) may be answered from
    /// the cache, or its answer kept: no credentials, no body, no range or
    /// precondition other than If-None-Match, and no request for a fresh answer.
    static func requestMayUseCache(_ headers: [String: String]) -> Bool {
        // One pass over the request's few headers (no hashing: every GET comes here).
        var modifiedSince = false, noneMatch = false
        for (name, value) in headers {
            switch name {
            case "authorization", "cookie", "range", "if-range", "if-match", "if-unmodified-since", "transfer-encoding":
                return false
            // A bodyless request may state its length as 0.
            case "content-length" where value != "0": return false
            case "if-modified-since": modifiedSince = true
            case "if-none-match": noneMatch = true
            case "pragma" where directives(value).contains(where: { $0.name == "no-cache" }): return false
            case "cache-control":
                for directive in directives(value) {
                    switch directive.name {
                    case "no-cache", "no-store": return false
                    case "max-age" where directive.value == "0": return false
                    default: continue
                    }
                }
            default: continue
            }
        }
        // If-Modified-Since alone is the plugin's to answer (dates are not compared here).
        return !modifiedSince || noneMatch
    }

    /// Seconds the answer may be kept by a shared cache, or nil when it must
    /// not be: 200, on a public route for an anonymous caller, `public` with
    /// `s-maxage` (else `max-age`) > 0, nothing that varies or sets state.
    static func storableFreshness(_ response: HTTPResponse) -> Int? {
        guard response.status == 200, response.shareable, response.stream == nil else { return nil }
        var control: String?
        for (name, value) in response.headers {
            if HeaderName.equal(name, "Cache-Control") {
                control = control.map { $0 + "," + value } ?? value
            } else if HeaderName.equal(name, "Set-Cookie") || HeaderName.equal(name, "Vary")
                        || HeaderName.equal(name, "Content-Encoding") || HeaderName.equal(name, "Content-Range") {
                return nil
            }
        }
        guard let control else { return nil }
        var isPublic = false
        var maxAge: Int?
        var sharedMaxAge: Int?
        for directive in directives(control) {
            switch directive.name {
            case "public": isPublic = true
            case "private", "no-store", "no-cache": return nil
            case "max-age": maxAge = directive.value.flatMap(seconds)
            case "s-maxage": sharedMaxAge = directive.value.flatMap(seconds)
            default: continue
            }
        }
        guard isPublic, var seconds = sharedMaxAge ?? maxAge else { return nil }
        // Already aged upstream (RFC 9111 §4.2.3).
        if let age = response.header("Age").flatMap(Self.seconds) { seconds -= age }
        return seconds > 0 ? seconds : nil
    }

    /// `Cache-Control`-style directives: names lower-cased, values unquoted.
    static func directives(_ text: String) -> [(name: String, value: String?)] {
        text.split(separator: ",").compactMap { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = ASCIIText.lowercased(String(parts[0]).trimmingCharacters(in: .whitespaces))
            guard !name.isEmpty else { return nil }
            var value = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : nil
            if let quoted = value, quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") {
                value = String(quoted.dropFirst().dropLast())
            }
            return (name, value)
        }
    }

    /// A delta-seconds value (digits only; a huge one is clamped).
    private static func seconds(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text) ?? Int(Int32.max)
    }
}
