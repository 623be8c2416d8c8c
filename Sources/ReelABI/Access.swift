import CReelABI

/// Who may call a method or route (REEL_ACCESS_* of reel_plugin.h), checked
/// by the host before a handler runs. Shared by the host and the plugin kit.
public enum Access: Int32, Sendable, CaseIterable {
    case `public` = 0, user = 1, creator = 2, admin = 3, ownerOrAdmin = 4, `internal` = 5

    /// The value in reel_plugin.h.
    public var cValue: Int32 { rawValue }

    /// "owner-or-admin": for logs and listings.
    public var name: String {
        switch self {
        case .public: "public"
        case .user: "user"
        case .creator: "creator"
        case .admin: "admin"
        case .ownerOrAdmin: "owner-or-admin"
        case .internal: "internal"
        }
    }
}
