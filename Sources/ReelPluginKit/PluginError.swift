import CReelABI

/// An error a plugin handler answers with: a status code (ReelStatus, the
/// host's own vocabulary) and a message the host shows to the client.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public let status: ReelStatus
    public let message: String

    /// The REEL_* code (reel_plugin.h).
    public var code: Int32 { status.rawValue }

    public init(_ status: ReelStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public init(code: Int32, _ message: String) {
        self.init(ReelStatus(rawValue: code), message)
    }

    public var description: String { "\(status.codeName): \(message)" }

    /// The HTTP status the host answers this error with.
    public var httpStatus: Int { status.httpStatus }

    public static func invalidArgument(_ m: String) -> PluginError { PluginError(.invalidArgument, m) }
    public static func notFound(_ m: String) -> PluginError { PluginError(.notFound, m) }
    public static func alreadyExists(_ m: String) -> PluginError { PluginError(.alreadyExists, m) }
    public static func permissionDenied(_ m: String) -> PluginError { PluginError(.permissionDenied, m) }
    public static func unauthenticated(_ m: String) -> PluginError { PluginError(.unauthenticated, m) }
    public static func failedPrecondition(_ m: String) -> PluginError { PluginError(.failedPrecondition, m) }
    public static func resourceExhausted(_ m: String) -> PluginError { PluginError(.resourceExhausted, m) }
    public static func unavailable(_ m: String) -> PluginError { PluginError(.unavailable, m) }
    public static func outOfRange(_ m: String) -> PluginError { PluginError(.outOfRange, m) }
    public static func aborted(_ m: String) -> PluginError { PluginError(.aborted, m) }
    public static func unimplemented(_ m: String) -> PluginError { PluginError(.unimplemented, m) }
    public static func deadlineExceeded(_ m: String) -> PluginError { PluginError(.deadlineExceeded, m) }
    public static func `internal`(_ m: String) -> PluginError { PluginError(.internal, m) }
}
