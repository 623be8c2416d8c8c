import Foundation
import ReelStorage

/// The janitor's side of the runner: what dead or superseded attempts left
/// behind, in storage and in the work folder.
extension JobRunner {
    /// Deletes the folders of attempts that will never be published.
    func sweepAbandonedOutputs() async {
        do {
            let prefixes = try await database.withConnection { c in try JobStore.abandonedOutputs(c, limit: 50) }
            for prefix in prefixes {
                try await storage.delete(prefix: prefix)
                try await database.withConnection { c in try JobStore.forgetOutput(c, prefix: prefix) }
                host.log(.info, "removed abandoned transcode output \(prefix)")
            }
        } catch {
            host.log(.warn, "removing abandoned transcode outputs failed: \(error)")
        }
    }

    /// Removes work folders of attempts that are not running any more (their
    /// process died); called at start.
    func sweepWorkDirectories() async {
        for entry in WorkDirectory.existing(in: config.workDirectory) {
            let live = (try? await database.withConnection { c in try JobStore.isLive(c, jobId: entry.jobId, attempt: entry.attempt) }) ?? true
            if !live { try? FileManager.default.removeItem(atPath: entry.path) }
        }
    }
}
