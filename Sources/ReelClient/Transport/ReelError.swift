import Foundation

/// Every error ReelClient throws: a Connect error the server answered, or a
/// failure on the client's side of the wire.
public enum ReelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with a Connect (or Reel JSON) error.
    case server(code: ConnectCode, message: String, details: [ErrorDetail] = [])
    /// No answer: the connection failed or timed out.
    case transport(String)
    /// An answer that is not what the protocol promises (undecodable body, missing header).
    case protocolViolation(String)
    /// The call needs a signed-in session and there is none (or it could not be refreshed).
    case notSignedIn
    /// A local file could not be read (uploads).
    case file(String)
    /// The task was cancelled (an upload stops between chunks and can be resumed).
    case cancelled

    /// A Connect error detail: the fully qualified type name and its bytes.
    public struct ErrorDetail: Sendable, Equatable {
        public let type: String
        public let value: Data
    }

    /// The Connect code of a server error; nil for client-side failures.
    public var code: ConnectCode? {
        if case .server(let code, _, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .server(let code, let message, _): return "\(code.rawValue): \(message)"
        case .transport(let message): return "transport: \(message)"
        case .protocolViolation(let message): return "protocol: \(message)"
        case .notSignedIn: return "not signed in"
        case .file(let message): return "file: \(message)"
        case .cancelled: return "cancelled"
        }
    }
}

extension ReelError {
    /// Reads a Connect error body `{"code", "message", "details"}` (or the
    /// Reel JSON routes' `{"error": {"code", "message"}}`), falling back to the
    /// HTTP status's code.
    static func fromResponse(status: Int, body: Data) -> ReelError {
        var object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        if let inner = object?["error"] as? [String: Any] { object = inner }
        let code = (object?["code"] as? String).flatMap(ConnectCode.init(rawValue:)) ?? ConnectCode(httpStatus: status)
        let message = object?["message"] as? String ?? "HTTP \(status)"
        var details: [ErrorDetail] = []
        for entry in object?["details"] as? [[String: Any]] ?? [] {
            guard let type = entry["type"] as? String, let value = entry["value"] as? String,
                  let bytes = Data(base64URLOrStandard: value) else { continue }
            details.append(ErrorDetail(type: type, value: bytes))
        }
        return .server(code: code, message: message, details: details)
    }
}

extension Data {
    /// Connect sends detail values as base64 without padding (either alphabet).
    init?(base64URLOrStandard text: String) {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        self.init(base64Encoded: s)
    }
}
