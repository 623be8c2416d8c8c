import CReelABI

/// A status code (the Connect/gRPC code set of reel_plugin.h), with its HTTP
/// status and Connect code name — one mapping, reel_plugin_errors.h's, used
/// by the host, the plugin kit and C plugins alike.
public struct ReelStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let ok = ReelStatus(rawValue: REEL_OK)
    public static let canceled = ReelStatus(rawValue: REEL_CANCELED)
    public static let unknown = ReelStatus(rawValue: REEL_UNKNOWN)
    public static let invalidArgument = ReelStatus(rawValue: REEL_INVALID_ARGUMENT)
    public static let deadlineExceeded = ReelStatus(rawValue: REEL_DEADLINE_EXCEEDED)
    public static let notFound = ReelStatus(rawValue: REEL_NOT_FOUND)
    public static let alreadyExists = ReelStatus(rawValue: REEL_ALREADY_EXISTS)
    public static let permissionDenied = ReelStatus(rawValue: REEL_PERMISSION_DENIED)
    public static let resourceExhausted = ReelStatus(rawValue: REEL_RESOURCE_EXHAUSTED)
    public static let failedPrecondition = ReelStatus(rawValue: REEL_FAILED_PRECONDITION)
    public static let aborted = ReelStatus(rawValue: REEL_ABORTED)
    public static let outOfRange = ReelStatus(rawValue: REEL_OUT_OF_RANGE)
    public static let unimplemented = ReelStatus(rawValue: REEL_UNIMPLEMENTED)
    public static let `internal` = ReelStatus(rawValue: REEL_INTERNAL)
    public static let unavailable = ReelStatus(rawValue: REEL_UNAVAILABLE)
    public static let dataLoss = ReelStatus(rawValue: REEL_DATA_LOSS)
    public static let unauthenticated = ReelStatus(rawValue: REEL_UNAUTHENTICATED)

    /// The Connect protocol's name for the code ("not_found").
    public var codeName: String { String(cString: reel_status_name(rawValue)) }

    /// The HTTP status for the code, as the Connect protocol specifies it.
    public var httpStatus: Int { Int(reel_status_http(rawValue)) }

    /// The code of a Connect code name ("not_found"), nil if there is none.
    public init?(codeName: String) {
        guard let code = (REEL_OK...REEL_UNAUTHENTICATED).first(where: { String(cString: reel_status_name($0)) == codeName })
        else { return nil }
        self.init(rawValue: code)
    }

    public var description: String { codeName }
}
