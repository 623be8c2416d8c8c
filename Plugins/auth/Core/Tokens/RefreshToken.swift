import Crypto
import Foundation

/// Opaque refresh tokens: 32 random bytes, base64url. The database keeps
/// only their SHA-256, so a leaked table does not leak usable tokens.
public enum RefreshToken {
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncoded
    }

    public static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}

enum Digest {
    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
