import Foundation

/// Per-user revocation cut-offs: every access token of a user issued before
/// the user's cut-off (Unix ms) is refused by the guard. Filled from the
/// token authority's ListRevocations when it loads and from the topic
/// `host.tokens.revoked` after that; a cut-off never moves back. One entry per
/// user revoked since the host started (the authority lists only those that
/// can still void an unexpired token).
public final class RevocationTable: @unchecked Sendable {
    // @unchecked: `cutoffs` is only touched under `lock`.
    private let lock = NSLock()
    private var cutoffs: [String: Int64] = [:]

    public init() {}

    /// Records "tokens of `userID` issued before `notBeforeMs` are void".
    public func record(userID: String, notBeforeMs: Int64) {
        let key = userID.lowercased()
        lock.withLock { cutoffs[key] = max(cutoffs[key] ?? .min, notBeforeMs) }
    }

    /// Whether a token of `userID` issued at `issuedMs` is void.
    public func isRevoked(userID: String, issuedMs: Int64) -> Bool {
        guard let cutoff = lock.withLock({ cutoffs.isEmpty ? nil : cutoffs[userID.lowercased()] }) else { return false }
        return issuedMs < cutoff
    }

    var count: Int { lock.withLock { cutoffs.count } }
}
