import Foundation
import ReelEncoding

/// Reads the `kid` of a compact JWS header without trusting anything else in it.
enum TokenHeader {
    static func kid(of token: String) -> String? {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first,
              let data = Data(base64URLEncoded: String(first)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["kid"] as? String
    }
}
