import Foundation

/// The token of an `Authorization: Bearer <token>` header.
enum BearerToken {
    /// nil without the header or with another scheme (Basic from a
    /// password-protecting proxy is not ours: the caller is anonymous, so
    /// routes that need a user still answer 401); an error for a Bearer
    /// header without a token.
    static func token(in header: String?) throws(APIError) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.first?.lowercased() == "bearer" else { return nil }
        guard parts.count == 2, !parts[1].isEmpty else {
            throw APIError(.unauthenticated, "expected 'Authorization: Bearer <access token>'")
        }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}
