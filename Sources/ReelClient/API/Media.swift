import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Media files (playlists, segments, posters) for players that do not fetch
/// them themselves; the session's token goes along, so owners can fetch
/// their own private videos.
extension ReelClient {
    public func download(_ url: URL) async throws(ReelError) -> Data {
        var request = URLRequest(url: url)
        if let token = try? await session.accessToken() {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        let response = try await transport.http.send(request)
        guard response.status == 200 else { throw ReelError.fromResponse(status: response.status, body: response.body) }
        return response.body
    }
}
