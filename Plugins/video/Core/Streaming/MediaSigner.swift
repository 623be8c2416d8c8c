import Crypto
import Foundation

/// Signed media URLs for videos that are not open to everyone (private, or
/// not ready yet): `/media/s/<expires>/<signature>/videos/<id>/...`.
///
/// The signature is HMAC-SHA256(key, "videos/<id>/" + expires), base64url
/// without padding, and covers the video's whole folder: the relative URLs
/// inside playlists (`720p/index.m3u8`, `seg-00001.m4s`) resolve under the
/// same signed prefix, so one signature plays the whole stream. Checking it
/// is a hash, no database round trip. The key is shared by every host
/// (REEL_MEDIA_SIGNING_KEY, or generated once into the video schema).
struct MediaSigner: Sendable {
    private let key: SymmetricKey

    /// At least 32 bytes of key material.
    init?(key: [UInt8]) {
        guard key.count >= 32 else { return nil }
        self.key = SymmetricKey(data: key)
    }

    func signature(videoId: String, expires: Int64) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(Self.message(videoId, expires).utf8), using: key)).base64URLEncoded
    }

    enum Verdict: Equatable { case valid, expired, invalid }

    /// Constant-time check of `signature` for the video's folder until `expires`.
    func verify(videoId: String, expires: Int64, signature: String, now: Int64) -> Verdict {
        guard signature.utf8.count == 43, let mac = Data(base64URLEncoded: signature), mac.count == 32,
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(Self.message(videoId, expires).utf8), using: key)
        else { return .invalid }
        return now <= expires ? .valid : .expired
    }

    /// The signed path prefix for a video's files ("s/<expires>/<signature>/").
    func prefix(videoId: String, expires: Int64) -> String {
        "s/\(expires)/\(signature(videoId: videoId, expires: expires))/"
    }

    /// A keyed, one-way token for an anonymous viewer's address on one day
    /// (view counting): the address itself is never stored.
    func viewerToken(address: String, day: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("viewer/\(day)/\(address)".utf8), using: key)
        return String(Data(mac).base64URLEncoded.prefix(22))
    }

    private static func message(_ videoId: String, _ expires: Int64) -> String {
        MediaFile.folder(of: videoId) + String(expires)
    }
}
