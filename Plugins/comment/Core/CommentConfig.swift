import ReelPluginKit

/// The comment plugin's settings, read once at start through `host.config`.
public struct CommentConfig: Sendable, Equatable {
    /// Comments one user may post per minute: `REEL_COMMENT_RATE_PER_MINUTE`, 10.
    public var ratePerMinute = 10
    /// How long authors' display names are kept: `REEL_DISPLAY_NAME_TTL_SECONDS`, 30.
    public var nameTTLSeconds = 30

    public init() {}

    /// Reads every key; a value that is not a positive number is refused.
    public init(_ lookup: (String) -> String?) throws(PluginError) {
        ratePerMinute = try PluginConfig.positive("REEL_COMMENT_RATE_PER_MINUTE", default: ratePerMinute, from: lookup)
        nameTTLSeconds = try PluginConfig.positive("REEL_DISPLAY_NAME_TTL_SECONDS", default: nameTTLSeconds, from: lookup)
    }
}
