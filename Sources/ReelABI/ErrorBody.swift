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

    /// `text` escaped for the inside of a JSON string.
    public static func escape(_ text: String) -> String {
        let needed = reel_json_escape(nil, 0, text)
        var out = [CChar](repeating: 0, count: needed + 1)
        _ = reel_json_escape(&out, out.count, text)
        return String(decoding: out.prefix(needed).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
