import Foundation
// Access, ReelStatus, ReelRole and ErrorBody: one vocabulary with the plugin kit.
@_exported import ReelABI

/// An error answered to an outside client. Every failure of the gateway ends
/// here; `HTTPResponse.error` and `ConnectResponse.error` render it.
public struct APIError: Error, Sendable, Equatable {
    public var status: ReelStatus
    public var message: String
    /// Overrides the HTTP status the code maps to (413, 415, 405, ...).
    public var httpStatus: Int?

    public init(_ status: ReelStatus, _ message: String, httpStatus: Int? = nil) {
        self.status = status
        self.message = message
        self.httpStatus = httpStatus
    }

    public var effectiveHTTPStatus: Int { httpStatus ?? status.httpStatus }

    public static func notFound(_ what: String) -> APIError { APIError(.notFound, what) }
    public static func badRequest(_ why: String) -> APIError { APIError(.invalidArgument, why) }
    public static func methodNotAllowed(_ method: String, allowed: [String]) -> APIError {
        APIError(.unimplemented, "method \(method) is not allowed here; allowed: \(allowed.joined(separator: ", "))", httpStatus: 405)
    }
    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.resourceExhausted, "request body is larger than the limit of \(limit) bytes", httpStatus: 413)
    }
    public static func unsupportedMediaType(_ type: String, expected: String) -> APIError {
        APIError(.invalidArgument, "unsupported content type '\(type)'; expected \(expected)", httpStatus: 415)
    }
}
