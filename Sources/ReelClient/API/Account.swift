import Foundation

public typealias User = Reel_Auth_V1_User

/// Accounts: register, sign in and out, the signed-in user.
extension ReelClient {
    /// Creates an account (the first one on an empty server becomes admin). Does not sign in.
    @discardableResult
    public func register(email: String, password: String, displayName: String) async throws(ReelError) -> User {
        var request = Reel_Auth_V1_RegisterRequest()
        request.email = email
        request.password = password
        request.displayName = displayName
        let response = try await transport.unary("reel.auth.v1.AuthService/RegisterUser", request,
                                                 as: Reel_Auth_V1_RegisterResponse.self)
        return response.user
    }

    /// Signs in; the tokens go to the credential store.
    @discardableResult
    public func login(email: String, password: String) async throws(ReelError) -> User {
        var request = Reel_Auth_V1_LoginRequest()
        request.email = email
        request.password = password
        let pair = try await transport.unary("reel.auth.v1.AuthService/Login", request, as: Reel_Auth_V1_TokenPair.self)
        _ = await session.signedIn(pair)
        return pair.user
    }

    /// Signs out: the server revokes the refresh token, the store forgets both.
    public func logout() async throws(ReelError) {
        guard let held = await session.current else { return }
        var request = Reel_Auth_V1_LogoutRequest()
        request.refreshToken = held.refreshToken
        do {
            _ = try await call("reel.auth.v1.AuthService/Logout", request, as: Reel_Auth_V1_LogoutResponse.self)
        } catch {
            await session.signOut()
            throw error
        }
        await session.signOut()
    }

    /// The signed-in user, as the server knows them now.
    public func me() async throws(ReelError) -> User {
        try await call("reel.auth.v1.AuthService/Me", Reel_Auth_V1_MeRequest())
    }
}
