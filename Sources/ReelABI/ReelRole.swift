import CReelABI

/// The caller roles the host passes to plugins (REEL_ROLE_* of
/// reel_plugin.h); an access token's role is one of `signedIn`.
public enum ReelRole {
    public static let anonymous = REEL_ROLE_ANONYMOUS
    public static let viewer = REEL_ROLE_VIEWER
    public static let creator = REEL_ROLE_CREATOR
    public static let admin = REEL_ROLE_ADMIN
    /// Another plugin, over the bus.
    public static let `internal` = REEL_ROLE_INTERNAL
    /// The roles an account (and its access token) can have, lowest first.
    public static let signedIn = [viewer, creator, admin]
}
