import CReelABI

/// A bus status code (the Connect/gRPC code set of reel_plugin.h), with the
/// one mapping to HTTP statuses and Connect code names used by every path.
public struct ReelStatus: RawRepresentable, Hashable, Sendable {
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
    public var codeName: String {
        switch self {
        case .ok: "ok"
        case .canceled: "canceled"
        case .invalidArgument: "invalid_argument"
        case .deadlineExceeded: "deadline_exceeded"
        case .notFound: "not_found"
        case .alreadyExists: "already_exists"
        case .permissionDenied: "permission_denied"
        case .resourceExhausted: "resource_exhausted"
        case .failedPrecondition: "failed_precondition"
        case .aborted: "aborted"
        case .outOfRange: "out_of_range"
        case .unimplemented: "unimplemented"
        case .internal: "internal"
        case .unavailable: "unavailable"
        case .dataLoss: "data_loss"
        case .unauthenticated: "unauthenticated"
        default: "unknown"
        }
    }

    /// The HTTP status for the code, as the Connect protocol specifies it.
    public var httpStatus: Int {
        switch self {
        case .ok: 200
        case .canceled: 499
        case .invalidArgument, .outOfRange, .failedPrecondition: 400
        case .deadlineExceeded: 504
        case .notFound: 404
        case .alreadyExists, .aborted: 409
        case .permissionDenied: 403
        case .resourceExhausted: 429
        case .unimplemented: 501
        case .unavailable: 503
        case .unauthenticated: 401
        default: 500
        }
    }
}
