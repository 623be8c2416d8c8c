import CReelProtoAuth
import Foundation
import ReelPluginKit

extension AuthService {
    static let maxProfileIDs = 500

    /// GetUserProfiles (internal): id and display name of many users at once,
    /// for names shown next to content (video cards, comments). Unknown ids,
    /// and ids that are no UUID, are left out.
    func getUserProfiles(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__GetUserProfilesRequest.self,
                                       "reel.auth.v1.GetUserProfilesRequest")
        let m = request.message
        guard m.n_ids <= Self.maxProfileIDs else {
            throw PluginError.invalidArgument("at most \(Self.maxProfileIDs) ids at once")
        }
        var ids: [String] = []
        var seen = Set<String>()
        for index in 0..<m.n_ids {
            guard let id = UUID(uuidString: Proto.string(m.ids[index]))?.uuidString.lowercased(),
                  seen.insert(id).inserted else { continue }
            ids.append(id)
        }
        let profiles = try await database.withConnection { [ids] c in try ProfileStore.profiles(c, ids: ids) }
        let arena = ProtoArena()
        let items = arena.allocate(UnsafeMutablePointer<Reel__Auth__V1__UserProfile>?.self, count: profiles.count)
        for (index, profile) in profiles.enumerated() {
            var p = Reel__Auth__V1__UserProfile()
            reel__auth__v1__user_profile__init(&p)
            p.id = arena.string(profile.id)
            p.display_name = arena.string(profile.displayName)
            items[index] = arena.box(p)
        }
        var answer = Reel__Auth__V1__UserProfiles()
        reel__auth__v1__user_profiles__init(&answer)
        answer.n_profiles = profiles.count
        answer.profiles = profiles.isEmpty ? nil : items
        return Proto.pack(&answer)
    }
}
