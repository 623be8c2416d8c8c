import Foundation
import JWTKit
import Logging
import ReelEncoding

/// The gateway's auth guard: verifies `Authorization: Bearer <JWT>` itself,
/// with the auth plugin's Ed25519 public keys (fetched over the bus when the
/// auth plugin loads, not per request). Only EdDSA with a known `kid` is
/// accepted: `alg: none`, other algorithms, unknown keys, bad signatures,
/// expired or not-yet-valid tokens, and tokens issued before their user's
/// revocation cut-off are all 401. Other schemes than Bearer are ignored.
public final class JWTGuard: AuthGuard, @unchecked Sendable {
    private let lock = NSLock()
    private var keys = JWTKeyCollection()
    private var kids: Set<String> = []
    private let logger = Logger(label: "reel.auth-guard")
    /// Asked for fresh keys when a token names an unknown kid (at most every few seconds).
    var refreshKeys: (@Sendable () -> Void)?
    private var lastRefresh = Date.distantPast
    /// Per-user cut-offs: tokens issued before them are refused (RevocationLoader fills it).
    public let revocations = RevocationTable()

    public init() {}

    /// Replaces the verification keys: (kid, raw 32-byte Ed25519 public key).
    public func install(keys newKeys: [(kid: String, publicKey: [UInt8])]) async {
        let collection = JWTKeyCollection()
        var installed: Set<String> = []
        for (kid, raw) in newKeys {
            do {
                let key = try EdDSA.PublicKey(x: Data(raw).base64URLEncoded, curve: .ed25519)
                await collection.add(eddsa: key, kid: JWKIdentifier(string: kid))
                installed.insert(kid)
            } catch {
                logger.error("auth plugin sent an unusable key", metadata: ["kid": "\(kid)", "error": "\(error)"])
            }
        }
        lock.withLock {
            keys = collection
            kids = installed
        }
        logger.info("verification keys installed", metadata: ["kids": "\(installed.sorted())"])
    }

    public func authenticate(_ request: HTTPRequest) async throws(APIError) -> Caller {
        guard let header = request.header("authorization") else { return .anonymous }
        let parts = header.split(separator: " ", maxSplits: 1)
        // Another scheme (Basic from a password-protecting proxy) is not ours:
        // anonymous, so routes that need a user still answer 401.
        guard parts.first?.lowercased() == "bearer" else { return .anonymous }
        guard parts.count == 2, !parts[1].isEmpty else {
            throw APIError(.unauthenticated, "expected 'Authorization: Bearer <access token>'")
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let kid = TokenHeader.kid(of: token)
        let (collection, known) = lock.withLock { (keys, kid.map { kids.contains($0) } ?? false) }
        guard let kid else { throw APIError(.unauthenticated, "the access token is malformed or has no key id") }
        guard known else {
            requestRefresh()
            throw APIError(.unauthenticated, "the access token was signed with an unknown key")
        }
        do {
            let claims = try await collection.verify(token, as: AccessClaims.self)
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

    private func requestRefresh() {
        let due: Bool = lock.withLock {
            guard Date().timeIntervalSince(lastRefresh) > 5 else { return false }
            lastRefresh = Date()
            return true
        }
        if due { refreshKeys?() }
    }
}

/// Reads the `kid` of a compact JWS header without trusting anything else in it.
enum TokenHeader {
    static func kid(of token: String) -> String? {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first,
              let data = Data(base64URLEncoded: String(first)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["kid"] as? String
    }
}
