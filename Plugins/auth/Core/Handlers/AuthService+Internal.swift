import CReelProtoAuth
import ReelPluginKit

extension AuthService {
    /// GetSigningKeys (internal): the public keys the host's guard verifies
    /// access tokens with.
    func signingKeys(_ call: PluginCall) async throws -> [UInt8] {
        let keys = try await database.withConnection { c in try SigningKeyStore.published(c) }
        return Messages.signingKeys(keys)
    }

    /// GetUser (internal): a user by id, for other plugins.
    func getUser(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__GetUserRequest.self, "reel.auth.v1.GetUserRequest")
        let id = try Validation.userID(Proto.string(request.message.id))
        guard let user = try await database.withConnection({ c in try UserStore.byID(c, id) }) else {
            throw PluginError.notFound("no user with id \(id)")
        }
        return Messages.user(user)
    }
}
