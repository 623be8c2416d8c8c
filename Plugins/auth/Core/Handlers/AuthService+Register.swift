import CReelProtoAuth
import ReelPluginKit
import ReelPostgres

extension AuthService {
    /// RegisterUser: rate-limited per client address; validates, hashes, then
    /// creates the account (the first one on an empty instance becomes admin).
    func register(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__RegisterRequest.self, "reel.auth.v1.RegisterRequest")
        if !call.clientAddress.isEmpty {
            // Every attempt counts (also refused ones: they probe which emails exist).
            let limit = config.registration
            if let wait = try await database.withTransaction({ c in
                try RegistrationThrottleStore.count(c, address: call.clientAddress, limit: limit)
            }) {
                throw PluginError.resourceExhausted("too many registrations from this address; try again in \(wait) s")
            }
        }
        let email = try Validation.email(Proto.string(request.message.email))
        let displayName = try Validation.displayName(Proto.string(request.message.display_name))
        let password = Proto.string(request.message.password)
        try Validation.password(password, email: email)
        // Hash before looking the email up: a taken email answers no faster.
        let hash = try await passwords.hash(password)
        let user: User
        do {
            user = try await database.withTransaction { c in
                try UserStore.create(c, email: email, displayName: displayName, passwordHash: hash)
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            throw PluginError.alreadyExists("an account with this email already exists")
        }
        host.log(.info, "registered user \(user.id) as \(user.role.rawValue)")
        return Messages.registerResponse(user)
    }
}
