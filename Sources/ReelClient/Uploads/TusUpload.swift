import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How far an upload is.
public struct UploadProgress: Sendable, Equatable {
    public let sent: Int64
    public let total: Int64
    public var fraction: Double { total == 0 ? 1 : Double(sent) / Double(total) }
}

/// Video uploads over tus 1.0.0 (`/api/v1/uploads`): created once, then sent
/// in chunks; each chunk is fsynced by the server, so an upload interrupted at
/// any point (lost network, app killed) resumes from the server's offset with
/// the upload's URL. Keep the URL `onCreated` hands you to resume after a relaunch.
extension ReelClient {
    static let tusVersion = "1.0.0"

    /// Uploads `file` as a new video (or resumes `resuming`, an upload URL from
    /// an earlier try) and answers the new video's id. `progress` is called after
    /// every chunk the server confirmed; transient failures are retried from the
    /// server's offset up to `retries` times in a row. Cancelling the task stops
    /// the upload between chunks (`ReelError.cancelled`); resume it with its URL.
    public func upload(file: URL, title: String, resuming: URL? = nil, chunkSize: Int = 4 << 20,
                       retries: Int = 3,
                       onCreated: @Sendable (URL) -> Void = { _ in },
                       progress: @Sendable (UploadProgress) -> Void = { _ in }) async throws(ReelError) -> String {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: file) } catch {
            throw .file("cannot open \(file.path): \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        let size: Int64
        do { size = Int64(try handle.seekToEnd()) } catch { throw .file("cannot read \(file.path)") }

        let location: URL
        if let resuming {
            location = resuming
        } else {
            location = try await createUpload(size: size, filename: file.lastPathComponent, title: title)
            onCreated(location)
        }
        var state = try await uploadState(location)
        var failures = 0
        while true {
            if let videoID = state.videoID { progress(UploadProgress(sent: size, total: size)); return videoID }
            guard state.offset < size else {
                throw .protocolViolation("the server has all \(size) bytes but named no video")
            }
            progress(UploadProgress(sent: state.offset, total: size))
            if Task.isCancelled { throw .cancelled }
            let chunk: Data
            do {
                try handle.seek(toOffset: UInt64(state.offset))
                chunk = try handle.read(upToCount: chunkSize) ?? Data()
            } catch { throw .file("cannot read \(file.path) at \(state.offset)") }
            guard !chunk.isEmpty else { throw .file("\(file.path) is shorter than \(size) bytes now") }
            do {
                state = try await sendChunk(location, offset: state.offset, chunk)
                failures = 0
            } catch let error where Self.isTransient(error) && failures < retries {
                failures += 1
                state = try await uploadState(location)   // resume where the server is
            }
        }
    }

    /// `POST /api/v1/uploads`: answers the upload's URL.
    public func createUpload(size: Int64, filename: String, title: String) async throws(ReelError) -> URL {
        guard let endpoint = transport.resolve("/api/v1/uploads") else { throw .protocolViolation("bad base URL") }
        let metadata = [("filename", filename), ("title", title)]
            .map { "\($0.0) \(Data($0.1.utf8).base64EncodedString())" }.joined(separator: ",")
        let response = try await tus(endpoint, method: "POST",
                                     headers: ["Upload-Length": String(size), "Upload-Metadata": metadata])
        guard response.status == 201, let location = response.header("location"),
              let url = transport.resolve(location) else {
            throw ReelError.fromResponse(status: response.status, body: response.body)
        }
        return url
    }

    /// The server's offset for an upload (HEAD), and the video id once complete.
    public func uploadState(_ upload: URL) async throws(ReelError) -> (offset: Int64, videoID: String?) {
        let response = try await tus(upload, method: "HEAD")
        guard response.status == 200 || response.status == 204,
              let offset = response.header("upload-offset").flatMap(Int64.init) else {
            throw ReelError.fromResponse(status: response.status, body: response.body)
        }
        return (offset, response.header("reel-video-id"))
    }

    private func sendChunk(_ upload: URL, offset: Int64, _ chunk: Data) async throws(ReelError)
        -> (offset: Int64, videoID: String?) {
        let response = try await tus(upload, method: "PATCH", body: chunk,
                                     headers: ["Upload-Offset": String(offset),
                                               "Content-Type": "application/offset+octet-stream"])
        if response.status == 409, let real = response.header("upload-offset").flatMap(Int64.init) {
            return (real, nil)   // the server has another offset: go on from there
        }
        guard response.status == 204 || response.status == 200,
              let next = response.header("upload-offset").flatMap(Int64.init) else {
            throw ReelError.fromResponse(status: response.status, body: response.body)
        }
        return (next, response.header("reel-video-id"))
    }

    /// One tus request with the session's token (refreshed once if refused).
    private func tus(_ url: URL, method: String, body: Data? = nil,
                     headers: [String: String] = [:]) async throws(ReelError) -> HTTPClient.Response {
        func attempt(_ token: String) async throws(ReelError) -> HTTPClient.Response {
            var request = URLRequest(url: url)
            request.httpMethod = method
            request.httpBody = body
            request.setValue(Self.tusVersion, forHTTPHeaderField: "Tus-Resumable")
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            return try await transport.http.send(request)
        }
        let token = try await session.accessToken()
        let response = try await attempt(token)
        guard response.status == 401 else { return response }
        return try await attempt(try await session.accessToken(rejected: token))
    }

    static func isTransient(_ error: ReelError) -> Bool {
        switch error {
        case .transport: return true
        case .server(let code, _, _): return code == .unavailable || code == .aborted
        default: return false
        }
    }
}
