/// Decides who is calling and whether they may call a method. The gateway
/// asks it before every plugin call; plugins never see tokens.
public protocol AuthGuard: Sendable {
    /// The caller of an outside request (anonymous without credentials);
    /// throws 401 for a credential that does not verify.
    func authenticate(_ request: HTTPRequest) async throws(APIError) -> Caller
}

extension AuthGuard {
    /// Checks an access requirement: 401 when signed out, 403 when the role is too low.
    public func authorize(_ caller: Caller, for access: Access) throws(APIError) {
        let signedIn = !caller.userId.isEmpty
        switch access {
        case .public:
            return
        case .internal:
            throw APIError(.unimplemented, "this method is internal", httpStatus: 404)
        case .user, .ownerOrAdmin:
            guard signedIn else { throw APIError(.unauthenticated, "sign in to do this") }
        case .creator:
            guard signedIn else { throw APIError(.unauthenticated, "sign in to do this") }
            guard caller.role == ReelRole.creator || caller.role == ReelRole.admin else {
                throw APIError(.permissionDenied, "this needs the creator or admin role")
            }
        case .admin:
            guard signedIn else { throw APIError(.unauthenticated, "sign in to do this") }
            guard caller.role == ReelRole.admin else { throw APIError(.permissionDenied, "this needs the admin role") }
        }
    }
}

/// The guard until accounts exist: everyone is anonymous, and a request that
/// carries a bearer token is refused rather than silently treated as anonymous.
public struct AnonymousGuard: AuthGuard {
    public init() {}

    public func authenticate(_ request: HTTPRequest) async throws(APIError) -> Caller {
        if let credentials = request.header("authorization"), credentials.lowercased().hasPrefix("bearer") {
            throw APIError(.unauthenticated, "this host cannot verify tokens (no auth plugin is configured)")
        }
        return .anonymous
    }
}
