import CReelABI
import CReelProtoAuth
import ReelPluginKit

/// What the notification plugin asks the auth service over the bus: display
/// names (internal GetUserProfiles, batched) and an account's email
/// (internal GetUser). Never reads auth's tables.
struct Directory: Sendable {
    let host: PluginHost

    struct Account: Sendable {
        var id: String
        var email: String
        var displayName: String
        var disabled: Bool
    }

    /// The account, or nil if there is none with this id.
    func account(_ id: String) async throws -> Account? {
        let arena = ProtoArena()
        var request = Reel__Auth__V1__GetUserRequest()
        reel__auth__v1__get_user_request__init(&request)
        request.id = arena.string(id)
        let bytes: [UInt8]
        switch await call("reel.auth.v1.AuthService/GetUser", Proto.pack(&request)) {
        case .success(let answer): bytes = answer
        case .failure(let error) where error.code == REEL_NOT_FOUND || error.code == REEL_INVALID_ARGUMENT: return nil
        case .failure(let error): throw error
        }
        let unpacked = try Proto.unpack(bytes, as: Reel__Auth__V1__User.self, "reel.auth.v1.User")
        defer { withExtendedLifetime(unpacked) {} } // its strings are read below
        let user = unpacked.message
        return Account(id: Proto.string(user.id), email: Proto.string(user.email), displayName: Proto.string(user.display_name),
                       disabled: user.disabled != 0)
    }

    /// Display names by user id; unknown ids are left out.
    func displayNames(_ ids: [String]) async throws -> [String: String] {
        let unique = Array(Set(ids)).sorted()
        guard !unique.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = Array(unique[start..<min(start + 500, unique.count)])
            let arena = ProtoArena()
            var request = Reel__Auth__V1__GetUserProfilesRequest()
            reel__auth__v1__get_user_profiles_request__init(&request)
            request.n_ids = chunk.count
            request.ids = arena.strings(chunk)
            let bytes: [UInt8]
            switch await call("reel.auth.v1.AuthService/GetUserProfiles", Proto.pack(&request)) {
            case .success(let answer): bytes = answer
            case .failure(let error) where error.code == REEL_UNIMPLEMENTED:
                // An auth plugin older than GetUserProfiles: one GetUser each.
                for id in chunk { if let account = try await account(id) { names[id] = account.displayName } }
                continue
            case .failure(let error): throw error
            }
            let profiles = try Proto.unpack(bytes, as: Reel__Auth__V1__UserProfiles.self, "reel.auth.v1.UserProfiles")
            defer { withExtendedLifetime(profiles) {} } // its strings are read below
            let m = profiles.message
            for index in 0..<m.n_profiles {
                guard let profile = m.profiles[index]?.pointee else { continue }
                names[Proto.string(profile.id)] = Proto.string(profile.display_name)
            }
        }
        return names
    }

    /// A bus call as a Result, so callers can tell answers like not_found apart.
    func call(_ method: String, _ payload: [UInt8]) async -> Result<[UInt8], PluginError> {
        do { return .success(try await host.call(method, payload)) } catch { return .failure(error) }
    }
}
