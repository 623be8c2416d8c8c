import CReelProtoAuth
import ReelPluginKit

extension AuthService {
    static let defaultPageSize = 50
    static let maxPageSize = 200

    /// ListUsers (admin): keyset pagination by (created_at, id).
    func listUsers(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__ListUsersRequest.self, "reel.auth.v1.ListUsersRequest")
        try await requireCurrentAdmin(call)
        let requested = Int(request.message.limit)
        guard requested >= 0 else { throw PluginError.invalidArgument("limit must be between 1 and \(Self.maxPageSize)") }
        let limit = requested == 0 ? Self.defaultPageSize : min(requested, Self.maxPageSize)
        let cursorText = Proto.string(request.message.cursor)
        let cursor = cursorText.isEmpty ? nil : try UserCursor(decoding: cursorText)
        let rows = try await database.withConnection { c in try UserStore.page(c, after: cursor, limit: limit + 1) }
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { UserCursor($0).encoded } ?? "" : ""
        return Messages.userPage(page, nextCursor: next)
    }

    /// SetRole (admin). The last enabled admin cannot step down. A change of
    /// role voids the user's access tokens at once.
    func setRole(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__SetRoleRequest.self, "reel.auth.v1.SetRoleRequest")
        try await requireCurrentAdmin(call)
        let id = try Validation.userID(Proto.string(request.message.id))
        let role = try Validation.role(Proto.string(request.message.role))
        let (user, revocation) = try await database.withTransaction { c -> (User, Revocation?) in
            let before = try UserStore.byID(c, id)
            let user = try UserStore.update(c, id: id, role: role)
            // A new role voids the tokens carrying the old one (at once, on every host).
            return (user, before?.role == role ? nil : try Self.cutTokens(c, userID: id))
        }
        revocation.map(announce)
        host.log(.info, "user \(id) is now \(role.rawValue) (by \(call.callerUserId.isEmpty ? call.callerRole : call.callerUserId))")
        return Messages.user(user)
    }

    /// SetDisabled (admin). Disabling revokes every refresh token of the user
    /// and voids their access tokens at once;
    /// the last enabled admin cannot be disabled.
    func setDisabled(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Auth__V1__SetDisabledRequest.self,
                                       "reel.auth.v1.SetDisabledRequest")
        try await requireCurrentAdmin(call)
        let id = try Validation.userID(Proto.string(request.message.id))
        let disabled = request.message.disabled != 0
        let (user, revocation) = try await database.withTransaction { c -> (User, Revocation?) in
            let user = try UserStore.update(c, id: id, disabled: disabled)
            guard disabled else { return (user, nil) }
            try RefreshTokenStore.revokeAll(c, userID: id, reason: .disabled)
            return (user, try Self.cutTokens(c, userID: id))
        }
        revocation.map(announce)
        host.log(.info, "user \(id) \(disabled ? "disabled" : "enabled") (by \(call.callerUserId.isEmpty ? call.callerRole : call.callerUserId))")
        return Messages.user(user)
    }

    /// The host checked the role in the caller's access token, which lives up
    /// to 15 minutes; this checks the database still agrees (a demoted or
    /// disabled admin loses admin routes at once). Other plugins ("internal")
    /// are trusted.
    func requireCurrentAdmin(_ call: PluginCall) async throws {
        guard !call.isInternal else { return }
        let id = try callerID(call)
        let caller = try await database.withConnection { c in try UserStore.byID(c, id) }
        guard let caller, caller.role == .admin, !caller.disabled else {
            throw PluginError.permissionDenied("this needs the admin role")
        }
    }
}
