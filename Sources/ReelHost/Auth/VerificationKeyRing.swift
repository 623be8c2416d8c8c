import Foundation
import JWTKit
import Logging
import ReelEncoding

/// The keys tokens are verified with: the token authority's Ed25519 public
/// keys by `kid`, replaced as a whole when it sends them (SigningKeyLoader).
/// A token naming an unknown kid asks for fresh keys, at most every few seconds,
/// and waits (briefly) while keys are on their way: right after a start or a
/// hot-swap of the token authority, a valid token is not refused because its
/// key has not arrived yet.
final class VerificationKeyRing: @unchecked Sendable { // every var is guarded by lock
    private let lock = NSLock()
    private var keys = JWTKeyCollection()
    private var kids: Set<String> = []
    private var lastRefresh = Date.distantPast
    /// Keys were asked for and have not arrived (nor failed) yet.
    private var refreshing = false
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
            refreshing = false
        }
        logger.info("verification keys installed", metadata: ["kids": "\(installed.sorted())"])
    }

    /// Keys were asked for (SigningKeyLoader); a token with an unknown kid
    /// waits for them (at most `Self.refreshWait`).
    func refreshStarted() { lock.withLock { refreshing = true } }

    /// The keys could not be fetched: nobody waits any longer.
    func refreshFailed() { lock.withLock { refreshing = false } }

    /// How long a token with an unknown kid waits for keys on their way.
    static let refreshWait: Duration = .seconds(2)

    /// The keys to verify a token signed with `kid`; nil when no key has
    /// that kid, after asking for fresh keys and waiting while they come.
    func keys(for kid: String) async -> JWTKeyCollection? {
        if let collection = known(kid) { return collection }
        requestRefresh()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Self.refreshWait)
        while lock.withLock({ refreshing }), clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            if let collection = known(kid) { return collection }
        }
        return known(kid)
    }

    private func known(_ kid: String) -> JWTKeyCollection? {
        lock.withLock { kids.contains(kid) ? keys : nil }
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
