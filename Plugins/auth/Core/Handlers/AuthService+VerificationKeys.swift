import ReelPluginKit

extension AuthService {
    /// reel.host.v1.TokenAuthority/GetVerificationKeys (internal): the public
    /// keys the host's guard verifies access tokens with, in the host's own
    /// contract (proto/reel/host/v1/token_authority.proto).
    ///
    /// host.v1.VerificationKeys is the wire twin of auth.v1.SigningKeys (the
    /// same field numbers and types, message by message), so the bytes of
    /// GetSigningKeys answer it; VerificationKeysTests decodes them as the
    /// host does.
    func verificationKeys(_ call: PluginCall) async throws -> [UInt8] {
        try await signingKeys(call)
    }
}
