import Crypto
import Foundation
import JWTKit
import ReelEncoding

/// The claims of an access token. The host's guard verifies the signature
/// (EdDSA, keys from GetSigningKeys), `iss`, `aud`, `nbf` and `exp`, then
/// passes `sub` and `role` to plugins as the caller; a token whose `iat_ms`
/// is before its user's revocation cut-off is refused.
struct AccessClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var role: String
    var iss: IssuerClaim
    var aud: AudienceClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    /// The issue time in Unix milliseconds: the guard compares it with the
    /// user's revocation cut-off (`iat` has whole seconds only).
    var iat_ms: Int64

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf.verifyNotBefore()
        try aud.verifyIntendedAudience(includes: AccessTokens.audience)
        guard iss.value == AccessTokens.issuer else {
            throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "unexpected issuer")
        }
    }
}

/// Signs access tokens with the current Ed25519 key.
public struct AccessTokens: Sendable {
    public static let issuer = "reel"
    public static let audience = "reel"
    public static let algorithm = "EdDSA"

    public let key: SigningKey
    public let lifetimeSeconds: Int
    private let keys: JWTKeyCollection

    public init(key: SigningKey, lifetimeSeconds: Int) async throws {
        self.key = key
        self.lifetimeSeconds = lifetimeSeconds
        keys = JWTKeyCollection()
        let privateKey = EdDSA.PrivateKey(backing: try Curve25519.Signing.PrivateKey(rawRepresentation: key.privateKey))
        await keys.add(eddsa: privateKey, kid: JWKIdentifier(string: key.kid))
    }

    /// A signed JWT for `user` (header `alg` EdDSA, `typ` JWT, `kid`).
    public func sign(userID: String, role: Role, now: Date = Date()) async throws -> String {
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AccessClaims(
            sub: SubjectClaim(value: userID), role: role.rawValue,
            iss: IssuerClaim(value: Self.issuer), aud: AudienceClaim(value: [Self.audience]),
            iat: IssuedAtClaim(value: issued), nbf: NotBeforeClaim(value: issued),
            exp: ExpirationClaim(value: issued.addingTimeInterval(Double(lifetimeSeconds))),
            jti: IDClaim(value: UUID().uuidString.lowercased()), iat_ms: now.unixMilliseconds)
        return try await keys.sign(claims, kid: JWKIdentifier(string: key.kid))
    }
}

/// An Ed25519 key pair of auth.signing_keys: raw 32-byte private seed and public key.
public struct SigningKey: Sendable, Equatable {
    public let kid: String
    public let privateKey: Data
    public let publicKey: Data

    public init(kid: String, privateKey: Data, publicKey: Data) {
        self.kid = kid
        self.privateKey = privateKey
        self.publicKey = publicKey
    }

    /// A new random key; its kid is derived from the public key.
    public static func generate() throws -> SigningKey {
        let key = try EdDSA.PrivateKey(curve: .ed25519)
        let publicKey = key.publicKey.rawRepresentation
        return SigningKey(kid: "ed25519-" + String(Digest.sha256Hex(publicKey).prefix(16)),
                          privateKey: key.rawRepresentation, publicKey: publicKey)
    }
}
