import CReelABI
import Glibc

/// The web API's error body, `{"error":{"code","message","requestId"}}`,
/// built by reel_plugin_errors.h's `reel_error_body` — the same bytes a C
/// plugin answers with.
public enum ErrorBody {
    public static func json(_ status: ReelStatus, message: String, requestId: String) -> [UInt8] {
        guard let body = reel_error_body(status.rawValue, message, requestId) else { return [] }
        defer { free(body) }
        return Array(UnsafeRawBufferPointer(start: body, count: strlen(body)))
    }

    /// The same shape with a code more specific than a status name, for a
    /// raw route whose HTTP status says more than the Connect code set
    /// (413 `quota_exceeded`, 507 `insufficient_storage`). A Connect code
    /// name gives exactly the bytes of `json(_:message:requestId:)`.
    public static func json(code: String, message: String, requestId: String) -> [UInt8] {
        if let status = ReelStatus(codeName: code) { return json(status, message: message, requestId: requestId) }
        let text = "{\"error\":{\"code\":\"\(escape(code))\",\"message\":\"\(escape(message))\","
            + "\"requestId\":\"\(escape(requestId))\"}}"
        return Array(text.utf8)
    }

    /// The body of a raw route's HTTPError.
    public static func json(for error: HTTPError, message: String, requestId: String) -> [UInt8] {
        json(code: error.code, message: message, requestId: requestId)
    }

    /// `text` escaped for the inside of a JSON string.
    public static func escape(_ text: String) -> String {
        let needed = reel_json_escape(nil, 0, text)
        var out = [CChar](repeating: 0, count: needed + 1)
        _ = reel_json_escape(&out, out.count, text)
        return String(decoding: out.prefix(needed).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
