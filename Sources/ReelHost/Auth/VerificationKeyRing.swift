import Foundation
import JWTKit
import Logging
import ReelEncoding

/// The keys tokens are verified with: the token authority's Ed25519 public
/// keys by `kid`, replaced as a whole when it sends them (SigningKeyLoader).
/// A token naming an unknown kid asks for fresh keys, at most every few seconds.
final class VerificationKeyRing: @unchecked Sendable { // every var is guarded by lock
    private let lock = NSLock()
    private var keys = JWTKeyCollection()
    private var kids: Set<String> = []
    private var lastRefresh = Date.distantPast
    private var onUnknownKid: (@Sendable () -> Void)?
    private let logger: Logger

    /// Asked for fresh keys when a token names an unknown kid.
    var refreshKeys: (@Sendable () -> Void)? {
        get { lock.withLock { onUnknownKid } }
        set { lock.withLock { onUnknownKid = newValue } }
    }

    init(logger: Logger) { self.logger = logger }

    /// Replaces the keys: (kid, raw 32-byte Ed25519 public key).
    func install(_ newKeys: [(kid: String, publicKey: [UInt8])]) async {
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

    /// The keys to verify a token signed with `kid`; nil (and fresh keys
    /// asked for) when no key has that kid.
    func keys(for kid: String) -> JWTKeyCollection? {
        let (collection, known) = lock.withLock { (keys, kids.contains(kid)) }
        guard known else {
            requestRefresh()
            return nil
        }
        return collection
    }

    private func requestRefresh() {
        let refresh: (@Sendable () -> Void)? = lock.withLock {
            guard Date().timeIntervalSince(lastRefresh) > 5 else { return nil }
            lastRefresh = Date()
            return onUnknownKid
        }
        refresh?()
    }
}
