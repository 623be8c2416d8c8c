import Foundation

/// Keeps video.view_log small: once at start and then hourly, removes the
/// days before yesterday (only today's rows decide whether a view counts).
struct ViewLogPruner: Sendable {
    let service: VideoService

    func run(everySeconds interval: Int = 3600) async {
        while !Task.isCancelled {
            let keepFrom = VideoService.utcDay(Date().addingTimeInterval(-86_400))
            do {
                let removed = try await service.database.withConnection { c in try ViewingStore.pruneViewLog(c, keepFrom: keepFrom) }
                if removed > 0 { service.host.log(.info, "view log: removed \(removed) row(s) before \(keepFrom)") }
            } catch {
                service.host.log(.warn, "view log pruning failed: \(error)")
            }
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}
