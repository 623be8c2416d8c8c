import Foundation
import JWTKit
import Logging

/// The gateway's auth guard: verifies `Authorization: Bearer <JWT>` itself,
/// with the auth plugin's Ed25519 public keys (VerificationKeyRing, fetched
/// over the bus when the auth plugin loads, not per request). Only EdDSA with
/// a known `kid` is accepted: `alg: none`, other algorithms, unknown keys, bad
/// signatures, expired or not-yet-valid tokens, and tokens issued before their
/// user's revocation cut-off are all 401. Other schemes than Bearer are ignored.
public final class JWTGuard: AuthGuard, Sendable {
    private let logger: Logger
    private let keyRing: VerificationKeyRing
    /// Per-user cut-offs: tokens issued before them are refused (RevocationLoader fills it).
    public let revocations = RevocationTable()

    /// Asked for fresh keys when a token names an unknown kid (at most every few seconds).
    var refreshKeys: (@Sendable () -> Void)? {
        get { keyRing.refreshKeys }
        set { keyRing.refreshKeys = newValue }
    }

    public init() {
        logger = Logger(label: "reel.auth-guard")
        keyRing = VerificationKeyRing(logger: logger)
    }

    /// Keys were asked for: tokens with an unknown kid wait for them briefly.
    func keyRefreshStarted() { keyRing.refreshStarted() }

    /// The keys could not be fetched.
    func keyRefreshFailed() { keyRing.refreshFailed() }

    /// Replaces the verification keys: (kid, raw 32-byte Ed25519 public key).
    public func install(keys newKeys: [(kid: String, publicKey: [UInt8])]) async {
        await keyRing.install(newKeys)
    }

    public func authenticate(_ request: HTTPRequest) async throws(APIError) -> Caller {
        guard let token = try BearerToken.token(in: request.header("authorization")) else { return .anonymous }
        guard let kid = TokenHeader.kid(of: token) else {
            throw APIError(.unauthenticated, "the access token is malformed or has no key id")
        }
        guard let keys = await keyRing.keys(for: kid) else {
            throw APIError(.unauthenticated, "the access token was signed with an unknown key")
        }
        do {
            let claims = try await keys.verify(token, as: AccessClaims.self)
            guard !claims.sub.value.isEmpty else { throw APIError(.unauthenticated, "the access token has no subject") }
            guard !revocations.isRevoked(userID: claims.sub.value, issuedMs: claims.issuedMs) else {
                throw APIError(.unauthenticated, "the access token was revoked; please sign in again")
            }
            return Caller(userId: claims.sub.value, role: claims.role)
        } catch let error as APIError {
            throw error
        } catch {
            logger.debug("token refused", metadata: ["kid": "\(kid)", "error": "\(error)"])
            throw APIError(.unauthenticated, "the access token is invalid or expired")
        }
    }
}
