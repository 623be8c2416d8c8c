import Foundation
import SwiftProtobuf
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Connect unary calls (connectrpc.com/docs/protocol) over HTTP/1.1:
/// `POST <base>/rpc/<package>.<Service>/<Method>` with an `application/proto`
/// body, errors read from the Connect JSON error body.
public struct ConnectTransport: Sendable {
    /// The server's root, e.g. `http://127.0.0.1:8080/`.
    public let baseURL: URL
    /// Sent as `Connect-Timeout-Ms`; the server gives up (deadline_exceeded) after it.
    public var timeout: Duration
    let http: HTTPClient

    public init(baseURL: URL, timeout: Duration = .seconds(30), session: URLSession = .shared) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.http = HTTPClient(session: session)
    }

    /// One unary call. `method` is `package.Service/Method`; `bearer` an access token.
    public func unary<Request: Message, Response: Message>(
        _ method: String, _ request: Request, as _: Response.Type = Response.self, bearer: String? = nil
    ) async throws(ReelError) -> Response {
        let body: Data
        do { body = try request.serializedData() } catch {
            throw .protocolViolation("cannot encode \(Request.protoMessageName): \(error)")
        }
        var urlRequest = URLRequest(url: url(forMethod: method))
        urlRequest.httpMethod = "POST"
        urlRequest.httpBody = body
        urlRequest.setValue("application/proto", forHTTPHeaderField: "Content-Type")
        urlRequest.setValue("1", forHTTPHeaderField: "Connect-Protocol-Version")
        let millis = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        urlRequest.setValue(String(millis), forHTTPHeaderField: "Connect-Timeout-Ms")
        // A little more than the server's deadline, so its deadline_exceeded arrives.
        urlRequest.timeoutInterval = Double(millis) / 1000 + 5
        if let bearer { urlRequest.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }

        let response = try await http.send(urlRequest)
        guard response.status == 200 else {
            throw ReelError.fromResponse(status: response.status, body: response.body)
        }
        let contentType = response.header("content-type") ?? ""
        guard contentType.hasPrefix("application/proto") else {
            throw .protocolViolation("\(method) answered Content-Type \(contentType), not application/proto")
        }
        do { return try Response(serializedBytes: response.body) } catch {
            throw .protocolViolation("\(method) answered bytes that are not a \(Response.protoMessageName)")
        }
    }

    func url(forMethod method: String) -> URL {
        baseURL.appendingPathComponent("rpc").appendingPathComponent(method, isDirectory: false)
    }

    /// A path on the server (`/api/v1/uploads`, `/media/...`) or an absolute URL as the server sent it.
    public func resolve(_ reference: String) -> URL? {
        URL(string: reference, relativeTo: baseURL)?.absoluteURL
    }
}
