import Foundation
import ReelPostgres

/// auth.signing_keys: the Ed25519 key pair of access tokens, created on the
/// first start and reused by every later start, restart or hot-swap (so no
/// one is signed out by a new plugin version).
enum SigningKeyStore {
    /// FNV-1a of "reel.auth.signing_keys": the advisory lock serializing creation.
    static let lockKey: Int64 = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "reel.auth.signing_keys".utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int64(bitPattern: hash)
    }()

    /// The current key, created if there is none. Must run in a transaction:
    /// generations starting at once wait on the lock and the later ones find
    /// the first one's key (the partial unique index backs this up).
    static func currentOrCreate(_ c: PostgresConnection) throws -> (key: SigningKey, created: Bool) {
        try c.query("SELECT pg_advisory_xact_lock($1)", [.int64(lockKey)])
        if let key = try current(c) { return (key, false) }
        let key = try SigningKey.generate()
        try c.query("INSERT INTO auth.signing_keys (kid, private_key, public_key) VALUES ($1, $2, $3)",
                    [.string(key.kid), .data(key.privateKey), .data(key.publicKey)])
        return (key, true)
    }

    static func current(_ c: PostgresConnection) throws -> SigningKey? {
        guard let row = try c.query("""
            SELECT kid, private_key, public_key FROM auth.signing_keys
            WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1
            """).first,
            let kid = try row.string("kid"), let privateKey = try row.data("private_key"),
            let publicKey = try row.data("public_key")
        else { return nil }
        return SigningKey(kid: kid, privateKey: privateKey, publicKey: publicKey)
    }

    /// Public keys a verifier should accept: the current one, and keys retired
    /// less than a day ago (tokens they signed may still be alive).
    static func published(_ c: PostgresConnection) throws -> [(kid: String, publicKey: Data)] {
        try c.query("""
            SELECT kid, public_key FROM auth.signing_keys
            WHERE retired_at IS NULL OR retired_at > now() - interval '1 day'
            ORDER BY retired_at IS NOT NULL, created_at DESC
            """).compactMap { row in
            guard let kid = try row.string("kid"), let key = try row.data("public_key") else { return nil }
            return (kid, key)
        }
    }
}
