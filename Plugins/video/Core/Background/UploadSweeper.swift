import Foundation
import ReelPluginKit

/// tus expiration: once at start and then every `REEL_UPLOAD_SWEEP_SECONDS`,
/// removes expired uploads (their bytes and rows; finished uploads only have
/// a row left) and partial files that have no row (a creation that died
/// half-way) after an hour.
struct UploadSweeper: Sendable {
    static let orphanAgeSeconds: TimeInterval = 3600
    let service: VideoService

    func run(everySeconds interval: Int) async {
        while !Task.isCancelled {
            await sweep()
            try? await Task.sleep(for: .seconds(interval))
        }
    }

    /// One pass; returns how many uploads it removed.
    @discardableResult
    func sweep() async -> Int {
        let partials = service.partials
        var removed = 0
        do {
            while !Task.isCancelled {
                let expired = try await service.database.withConnection { c in try UploadStore.expired(c, limit: 100) }
                var progressed = false
                for upload in expired {
                    // A busy upload (a PATCH still running) waits for the next pass.
                    guard await BlockingIO.perform({ partials.removeUnlessBusy(upload.id) }) else { continue }
                    try await service.database.withConnection { c in try UploadStore.delete(c, id: upload.id) }
                    if upload.videoId == nil { removed += 1 }
                    progressed = true
                }
                if expired.count < 100 || !progressed { break }
            }
            let listed = await BlockingIO.perform { partials.listed() }
            let known = try await service.database.withConnection { c in try UploadStore.existing(c, ids: listed.map(\.id)) }
            for orphan in listed where !known.contains(orphan.id) && orphan.ageSeconds > Self.orphanAgeSeconds {
                _ = await BlockingIO.perform { partials.removeUnlessBusy(orphan.id) }
            }
        } catch {
            service.host.log(.warn, "upload sweeper failed: \(error)")
        }
        if removed > 0 { service.host.log(.info, "upload sweeper removed \(removed) expired upload(s)") }
        return removed
    }
}
