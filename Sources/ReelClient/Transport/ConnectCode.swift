/// The Connect protocol's error codes (connectrpc.com/docs/protocol#error-codes),
/// by the names the server sends in an error body's "code".
public enum ConnectCode: String, Sendable, CaseIterable {
    case canceled
    case unknown
    case invalidArgument = "invalid_argument"
    case deadlineExceeded = "deadline_exceeded"
    case notFound = "not_found"
    case alreadyExists = "already_exists"
    case permissionDenied = "permission_denied"
    case resourceExhausted = "resource_exhausted"
    case failedPrecondition = "failed_precondition"
    case aborted
    case outOfRange = "out_of_range"
    case unimplemented
    case `internal`
    case unavailable
    case dataLoss = "data_loss"
    case unauthenticated

    /// The code a response without a Connect error body implies, from its HTTP
    /// status (the protocol's HTTP-to-code table).
    public init(httpStatus: Int) {
        switch httpStatus {
        case 400: self = .internal
        case 401: self = .unauthenticated
        case 403: self = .permissionDenied
        case 404: self = .unimplemented
        case 408: self = .deadlineExceeded
        case 409: self = .aborted
        case 412: self = .failedPrecondition
        case 413: self = .resourceExhausted
        case 415: self = .internal
        case 429, 502, 503, 504: self = .unavailable
        default: self = .unknown
        }
    }
}
