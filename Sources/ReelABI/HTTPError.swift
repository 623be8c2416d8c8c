/// An error a raw HTTP route answers (tus uploads, media files): a status of
/// the shared code set, the HTTP status and the code name of its body. Most
/// are a ReelStatus as is (its Connect mapping); where the HTTP protocol the
/// route speaks asks for a more specific HTTP status (tus's 412/410/423/413,
/// a range request's 416) or the API documents a more specific code
/// (`quota_exceeded`), it is named here once, for every raw route.
public struct HTTPError: Hashable, Sendable, CustomStringConvertible {
    public let status: ReelStatus
    public let httpStatus: Int
    /// The body's code: the status's Connect name unless more specific.
    public let code: String

    public init(_ status: ReelStatus, httpStatus: Int? = nil, code: String? = nil) {
        self.status = status
        self.httpStatus = httpStatus ?? status.httpStatus
        self.code = code ?? status.codeName
    }

    public var description: String { "\(httpStatus) \(code)" }

    // The Connect mapping as is.
    public static let invalidArgument = HTTPError(.invalidArgument)              // 400
    public static let unauthenticated = HTTPError(.unauthenticated)              // 401
    public static let permissionDenied = HTTPError(.permissionDenied)            // 403
    public static let notFound = HTTPError(.notFound)                            // 404
    public static let aborted = HTTPError(.aborted)                              // 409 (a conflicting state)
    public static let `internal` = HTTPError(.internal)                          // 500
    public static let unavailable = HTTPError(.unavailable)                      // 503

    // HTTP's own statuses for a status of the shared set.
    /// The client went away before the request was read (no one reads the answer).
    public static let clientClosed = HTTPError(.canceled, httpStatus: 400)
    public static let preconditionFailed = HTTPError(.failedPrecondition, httpStatus: 412)
    public static let gone = HTTPError(.notFound, httpStatus: 410)
    public static let contentTooLarge = HTTPError(.resourceExhausted, httpStatus: 413)
    public static let unsupportedMediaType = HTTPError(.invalidArgument, httpStatus: 415)
    public static let rangeNotSatisfiable = HTTPError(.outOfRange, httpStatus: 416)
    /// Well-formed but unusable content (an empty or unreadable media file).
    public static let unprocessableContent = HTTPError(.invalidArgument, httpStatus: 422)
    public static let locked = HTTPError(.aborted, httpStatus: 423)
    /// An upstream (the object store) did not answer.
    public static let badGateway = HTTPError(.unavailable, httpStatus: 502)
    /// The server's disk is full.
    public static let storageFull = HTTPError(.internal, httpStatus: 507)

    // Codes the web API documents beyond the Connect set.
    /// The account's upload quota would be exceeded (PeerTube answers 413 too).
    public static let quotaExceeded = HTTPError(.resourceExhausted, httpStatus: 413, code: "quota_exceeded")
    /// The server's storage cannot take the upload.
    public static let insufficientStorage = HTTPError(.internal, httpStatus: 507, code: "insufficient_storage")
}
