import CReelABI

/// An error a plugin handler answers with: a bus status code and a message
/// the host shows to the client.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String

    public init(code: Int32, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func invalidArgument(_ m: String) -> PluginError { PluginError(code: REEL_INVALID_ARGUMENT, m) }
    public static func notFound(_ m: String) -> PluginError { PluginError(code: REEL_NOT_FOUND, m) }
    public static func alreadyExists(_ m: String) -> PluginError { PluginError(code: REEL_ALREADY_EXISTS, m) }
    public static func permissionDenied(_ m: String) -> PluginError { PluginError(code: REEL_PERMISSION_DENIED, m) }
    public static func unauthenticated(_ m: String) -> PluginError { PluginError(code: REEL_UNAUTHENTICATED, m) }
    public static func failedPrecondition(_ m: String) -> PluginError { PluginError(code: REEL_FAILED_PRECONDITION, m) }
    public static func resourceExhausted(_ m: String) -> PluginError { PluginError(code: REEL_RESOURCE_EXHAUSTED, m) }
    public static func unavailable(_ m: String) -> PluginError { PluginError(code: REEL_UNAVAILABLE, m) }
    public static func `internal`(_ m: String) -> PluginError { PluginError(code: REEL_INTERNAL, m) }
}
