import Foundation
import JWTKit

/// The claims of a Reel access token, as the auth plugin signs them
/// (proto/reel/auth/v1/auth.proto). Verified by the host, never by plugins.
struct AccessClaims: JWTPayload {
    static let issuer = "reel"
    static let audience = "reel"

    let sub: SubjectClaim
    let role: String
    let iss: IssuerClaim
    let aud: AudienceClaim
    let exp: ExpirationClaim
    let nbf: NotBeforeClaim?
    let iat: IssuedAtClaim?
    /// The issue time in Unix ms (Reel's tokens carry it; `iat` has whole seconds).
    let iat_ms: Int64?

    /// When the token was issued, in Unix ms (0 if it does not say).
    var issuedMs: Int64 { iat_ms ?? iat.map { Int64($0.value.timeIntervalSince1970 * 1000) } ?? 0 }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
        try aud.verifyIntendedAudience(includes: Self.audience)
        guard iss.value == Self.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "unknown issuer") }
        guard ReelRole.signedIn.contains(role) else {
            throw JWTError.generic(identifier: "role", reason: "unknown role")
        }
    }
}
