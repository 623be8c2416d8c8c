import Foundation
import ReelMedia
import ReelPluginKit

extension VideoService {
    /// The sample video's fixed id: importing it twice (two hosts, restarts)
    /// is a no-op.
    static let sampleVideoId = "00000000-0000-4000-8000-00000000cafe"
    /// Its owner: no account (the nil UUID), so it never takes the admin role
    /// from the first person to register.
    static let sampleOwnerId = "00000000-0000-0000-0000-000000000000"

    /// `REEL_SAMPLE_VIDEO` (set by `tools/dev up`): on a catalog without any
    /// video, the file becomes a public video through the same path as an
    /// upload (probe, storage, one transaction with its transcode job).
    func importSample(path: String) async {
        do {
            let empty = try await database.withConnection { c in
                try c.query("SELECT NOT EXISTS (SELECT 1 FROM video.videos) AS empty").first?.bool("empty") ?? false
            }
            guard empty else { return }
            let media = try await MediaProbe.probe(path: path)
            let filename = (path as NSString).lastPathComponent
            let key = Self.sourceKey(videoId: Self.sampleVideoId, filename: filename)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            let main = media.mainVideoStream
            let new = VideoStore.NewVideo(
                id: Self.sampleVideoId, ownerId: Self.sampleOwnerId, title: "Sample: the Reel test pattern",
                durationSeconds: media.durationSeconds, width: main?.displayWidth, height: main?.displayHeight,
                sourceKey: key, sourceFilename: filename, sourceSize: size, sourceFormat: media.formatName)
            try await storage.put(key: key, from: URL(fileURLWithPath: path))
            let created = try await database.withTransaction { c -> Bool in
                guard try c.query("SELECT 1 FROM video.videos WHERE id = $1", [.string(new.id)]).isEmpty else { return false }
                _ = try VideoStore.insert(c, new)
                try OutboxStore.insert(c, videoId: new.id, sourceKey: key)
                return true
            }
            if created {
                outbox.wake()
                host.log(.info, "sample video \(Self.sampleVideoId) imported from \(path); it is transcoding")
            }
        } catch {
            host.log(.warn, "importing the sample video \(path) failed: \(error)")
        }
    }
}
