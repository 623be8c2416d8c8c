import Foundation
import ReelMedia
import ReelPluginKit

extension VideoService {
    /// The last byte arrived (the caller still holds the upload's lock):
    /// probe the file with libav; refuse it (422, nothing kept) or store it,
    /// create the video and its transcode job in one transaction, publish
    /// video.uploaded, and answer 204 with Reel-Video-Id.
    func completeUpload(_ info: UploadInfo, _ reply: TusReply, requestId: String) async {
        let path = partials.path(info.id)
        let media: MediaInfo
        do throws(MediaProbeError) {
            media = try await MediaProbe.probe(path: path)
        } catch {
            switch error {
            case .unreadable, .cancelled:
                // Our side failed, not the file: keep the bytes; a PATCH with
                // an empty body at the final offset retries.
                host.log(.error, "upload \(info.id): probe failed: \(error.reason) (request \(requestId))")
                return reply.internalError()
            default:
                await discard(info.id)
                host.log(.info, "upload \(info.id) refused: \(error.reason)")
                return reply.error(.unprocessableContent, error.reason)
            }
        }
        do {
            guard let record = try await database.withConnection({ c in try UploadStore.byID(c, info.id) }) else {
                await discard(info.id)
                return reply.notFound()
            }
            guard let video = try await store(record, media: media, path: path) else {
                await discard(info.id)
                return reply.notFound()
            }
            let partials = self.partials
            await BlockingIO.perform { partials.remove(info.id) }
            let sourceKey = Self.sourceKey(videoId: video.id, filename: record.filename)
            host.publish(EventMessages.Topic.uploaded,
                         EventMessages.uploaded(video, sourceKey: sourceKey, filename: record.filename, sizeBytes: record.length))
            outbox.wake()
            let stream = media.mainVideoStream.map { " \($0.codecName) \($0.displayWidth)x\($0.displayHeight)," } ?? " audio only,"
            host.log(.info, "upload \(info.id) complete: video \(video.id) (\(record.length) bytes, \(media.formatName),"
                     + "\(stream) \(media.durationSeconds) s)")
            uploadMetrics.completed.increment()
            reply.send(204, [("Upload-Offset", String(info.length)), ("Reel-Video-Id", video.id)])
        } catch {
            host.log(.error, "upload \(info.id): completing failed (request \(requestId)): \(error)")
            reply.internalError()
        }
    }

    static func sourceKey(videoId: String, filename: String) -> String {
        "videos/\(videoId)/source/\(TusMetadata.storageName(filename))"
    }

    /// Hands the bytes to storage (local disk on the same file system takes
    /// the partial file itself, no copy: `put(key:adopting:)`), then creates
    /// the video, marks the upload done and queues the transcode job in one
    /// transaction. Nil if the upload was finished or removed meanwhile. On
    /// failure the stored object is removed again; the partial file keeps
    /// its bytes until the caller removes it after success.
    private func store(_ record: UploadRecord, media: MediaInfo, path: String) async throws -> Video? {
        let videoId = UUIDs.make()
        let key = Self.sourceKey(videoId: videoId, filename: record.filename)
        let main = media.mainVideoStream
        let new = VideoStore.NewVideo(
            id: videoId, ownerId: record.ownerId, title: record.title, durationSeconds: media.durationSeconds,
            width: main?.displayWidth, height: main?.displayHeight, sourceKey: key, sourceFilename: record.filename,
            sourceSize: record.length, sourceFormat: media.formatName)
        try await storage.put(key: key, adopting: URL(fileURLWithPath: path))
        do {
            let video = try await database.withTransaction { c -> Video? in
                guard try UploadStore.complete(c, id: record.id, videoId: videoId) else { return nil }
                let video = try VideoStore.insert(c, new)
                try OutboxStore.insert(c, videoId: videoId, sourceKey: key)
                return video
            }
            if video == nil { try? await storage.delete(prefix: "videos/\(videoId)/") }
            return video
        } catch {
            try? await storage.delete(prefix: "videos/\(videoId)/")
            throw error
        }
    }

    /// Removes a refused or vanished upload: its bytes and its row.
    private func discard(_ id: String) async {
        let partials = self.partials
        await BlockingIO.perform { partials.remove(id) }
        do {
            try await database.withConnection { c in try UploadStore.delete(c, id: id) }
        } catch {
            host.log(.warn, "upload \(id): removing its row failed (the sweeper will): \(error)")
        }
    }
}
