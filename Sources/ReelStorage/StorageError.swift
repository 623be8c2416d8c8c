import Foundation

/// Everything ReelStorage throws. Callers map it once (e.g. `notFound` to
/// 404, `invalidKey` to 400, the rest to 500/503).
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key (or prefix) breaks the rules of `StorageKey`.
    case invalidKey(String, reason: String)
    /// No object at this key.
    case notFound(key: String)
    /// Local disk: a component of the key's path is a symbolic link.
    case symlinkRejected(key: String)
    /// The range starts at or after the end of the object, or is empty.
    case rangeNotSatisfiable(key: String, range: Range<Int64>, size: Int64?)
    /// `append`/`finish` on a writer that was finished or aborted.
    case writerClosed(key: String)
    /// A system call failed (local disk, or the S3 spool file).
    case io(operation: String, key: String, errno: Int32)
    /// The S3 server answered with an error status (and its XML error code).
    case s3(operation: String, key: String, status: Int, code: String, message: String)
    /// libcurl could not complete the transfer (connection refused, timeout…).
    case transport(operation: String, key: String, curlCode: Int32, message: String)
    /// The S3 server answered something that is not what S3 answers.
    case malformedResponse(operation: String, key: String, detail: String)
    /// Missing or invalid configuration (`StorageFactory`, `S3Storage.init`).
    case configuration(String)

    public var description: String {
        switch self {
        case let .invalidKey(key, reason):
            return "invalid storage key \(Self.quoted(key)): \(reason)"
        case let .notFound(key):
            return "no object at \(Self.quoted(key))"
        case let .symlinkRejected(key):
            return "refusing to follow a symbolic link in \(Self.quoted(key))"
        case let .rangeNotSatisfiable(key, range, size):
            let sizeText = size.map { "\($0) bytes" } ?? "unknown size"
            return "range \(range.lowerBound)..<\(range.upperBound) of \(Self.quoted(key)) (\(sizeText)) is not satisfiable"
        case let .writerClosed(key):
            return "the writer for \(Self.quoted(key)) is already finished or aborted"
        case let .io(operation, key, code):
            return "\(operation) \(Self.quoted(key)) failed: \(String(cString: strerror(code))) (errno \(code))"
        case let .s3(operation, key, status, code, message):
            return "S3 \(operation) \(Self.quoted(key)) failed: HTTP \(status) \(code): \(message)"
        case let .transport(operation, key, curlCode, message):
            return "S3 \(operation) \(Self.quoted(key)) failed: \(message) (curl code \(curlCode))"
        case let .malformedResponse(operation, key, detail):
            return "S3 \(operation) \(Self.quoted(key)): unexpected response: \(detail)"
        case let .configuration(message):
            return "storage configuration: \(message)"
        }
    }

    /// Keys in messages are shown escaped (they may hold NUL or control bytes).
    private static func quoted(_ key: String) -> String {
        let limited = key.count > 120 ? String(key.prefix(120)) + "…" : key
        return "\"" + limited.unicodeScalars.map { $0.escaped(asASCII: true) }.joined() + "\""
    }
}
