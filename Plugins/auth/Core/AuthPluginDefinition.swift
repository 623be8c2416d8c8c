import ReelPluginKit

/// The auth plugin: accounts, argon2id passwords, roles, EdDSA access tokens
/// (verified by the host's guard with the keys of GetSigningKeys) and rotating
/// refresh tokens, in the PostgreSQL schema `auth`.
public let authPlugin = PluginDefinition<AuthService>(
    name: "auth",
    version: AuthService.version,
    summary: "Accounts, passwords, roles and tokens",
    methods: [
        authMethod("RegisterUser", .public, "RegisterRequest", "RegisterResponse") { try await $0.register($1) },
        authMethod("Login", .public, "LoginRequest", "TokenPair") { try await $0.login($1) },
        authMethod("Refresh", .public, "RefreshRequest", "TokenPair") { try await $0.refresh($1) },
        authMethod("Logout", .public, "LogoutRequest", "LogoutResponse") { try await $0.logout($1) },
        authMethod("Me", .user, "MeRequest", "User") { try await $0.me($1) },
        authMethod("ChangePassword", .user, "ChangePasswordRequest", "ChangePasswordResponse") {
            try await $0.changePassword($1)
        },
        authMethod("ListUsers", .admin, "ListUsersRequest", "ListUsersResponse") { try await $0.listUsers($1) },
        authMethod("SetRole", .admin, "SetRoleRequest", "User") { try await $0.setRole($1) },
        authMethod("SetDisabled", .admin, "SetDisabledRequest", "User") { try await $0.setDisabled($1) },
        authMethod("GetSigningKeys", .internal, "GetSigningKeysRequest", "SigningKeys") { try await $0.signingKeys($1) },
        authMethod("GetUser", .internal, "GetUserRequest", "User") { try await $0.getUser($1) },
        authMethod("GetUserProfiles", .internal, "GetUserProfilesRequest", "UserProfiles") { try await $0.getUserProfiles($1) },
        Method("reel.host.v1.TokenAuthority/GetVerificationKeys", access: .internal, input: "reel.host.v1.GetVerificationKeysRequest", output: "reel.host.v1.VerificationKeys") { try await $0.verificationKeys($1) },
        Method<AuthService>("reel.host.v1.TokenAuthority/ListRevocations", access: .internal, input: "reel.host.v1.ListRevocationsRequest",
               output: "reel.host.v1.Revocations") { try await $0.listRevocations($1) },
    ],
    routes: [
        Route("POST", "/api/v1/auth/register", method: authService + "RegisterUser", status: 201),
        Route("POST", "/api/v1/auth/login", method: authService + "Login"),
        Route("POST", "/api/v1/auth/refresh", method: authService + "Refresh"),
        Route("POST", "/api/v1/auth/logout", method: authService + "Logout", status: 204),
        Route("GET", "/api/v1/users/me", method: authService + "Me"),
        Route("POST", "/api/v1/users/me/password", method: authService + "ChangePassword", status: 204),
        Route("GET", "/api/v1/users", method: authService + "ListUsers"),
        Route("PATCH", "/api/v1/users/{id}/role", method: authService + "SetRole"),
        Route("PATCH", "/api/v1/users/{id}/disabled", method: authService + "SetDisabled"),
    ],
    start: { host in try await AuthService.start(host: host) },
    stop: { service in await service.stop() })

let authService = "reel.auth.v1.AuthService/"

/// A method of reel.auth.v1.AuthService (the kit answers any error other than
/// PluginError as a bare `internal`, logged with the request id).
func authMethod(_ name: String, _ access: Access, _ input: String, _ output: String,
                _ handler: @escaping @Sendable (AuthService, PluginCall) async throws -> [UInt8]) -> Method<AuthService> {
    Method(authService + name, access: access, input: "reel.auth.v1." + input, output: "reel.auth.v1." + output, handler)
}
