import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one place ReelClient touches URLSession: a request in, status +
/// headers + body out, bridged to async/await (works the same with
/// FoundationNetworking on Linux, where the async URLSession methods are
/// incomplete).
struct HTTPClient: Sendable {
    let session: URLSession

    struct Response: Sendable {
        let status: Int
        let headers: [String: String]   // lower-cased names
        let body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    func send(_ request: URLRequest) async throws(ReelError) -> Response {
        let result: Result<Response, ReelError> = await withCheckedContinuation { continuation in
            let task = session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(returning: .failure(.transport(error.localizedDescription)))
                    return
                }
                guard let http = response as? HTTPURLResponse else {
                    continuation.resume(returning: .failure(.transport("no HTTP response")))
                    return
                }
                var headers: [String: String] = [:]
                for (key, value) in http.allHeaderFields {
                    if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
                }
                continuation.resume(returning: .success(Response(status: http.statusCode, headers: headers,
                                                                 body: data ?? Data())))
            }
            task.resume()
        }
        return try result.get()
    }
}
