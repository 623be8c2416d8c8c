import Foundation
import ReelPluginKit

extension VideoService {
    /// HEAD /api/v1/uploads/{id}: the offset to resume from (the bytes
    /// actually on disk), the length, the expiry.
    func tusHead(_ head: HTTPRequestHead, _ reply: TusReply) -> HTTPBodyReceiver? {
        guard head.speaksTus else { reply.versionMismatch(); return nil }
        guard let id = head.uploadID else { reply.notFound(); return nil }
        let caller = head.caller, requestId = head.requestId
        return AfterBody { _ in
            do {
                try await self.answerHead(id: id, caller: caller, reply)
            } catch {
                self.host.log(.error, "HEAD of upload \(id) failed (request \(requestId)): \(error)")
                reply.internalError()
            }
        }
    }

    private func answerHead(id: String, caller: Caller, _ reply: TusReply) async throws {
        guard let record = try await database.withConnection({ c in try UploadStore.byID(c, id) }),
              record.ownerId == caller.userId else { return reply.notFound() }
        var headers = [("Upload-Length", String(record.length)), ("Cache-Control", "no-store")]
        if !record.metadata.isEmpty { headers.append(("Upload-Metadata", record.metadata)) }
        if let videoId = record.videoId {
            return reply.send(200, [("Upload-Offset", String(record.length)), ("Reel-Video-Id", videoId)] + headers)
        }
        guard !record.isExpired else { return reply.gone() }
        let partials = self.partials
        guard let offset = await BlockingIO.perform({ partials.size(id) }) else { return reply.notFound() }
        reply.send(200, [("Upload-Offset", String(offset)), ("Upload-Expires", HTTPDate.format(record.expiresAt))] + headers)
    }

    /// DELETE /api/v1/uploads/{id} (termination): the bytes, then the row.
    /// A finished upload loses only its row; its video stays.
    func tusTerminate(_ head: HTTPRequestHead, _ reply: TusReply) -> HTTPBodyReceiver? {
        guard head.speaksTus else { reply.versionMismatch(); return nil }
        guard let id = head.uploadID else { reply.notFound(); return nil }
        let caller = head.caller, requestId = head.requestId
        return AfterBody { _ in
            do {
                guard let record = try await self.database.withConnection({ c in try UploadStore.byID(c, id) }),
                      record.ownerId == caller.userId else { return reply.notFound() }
                let partials = self.partials
                guard await BlockingIO.perform({ partials.removeUnlessBusy(id) }) else { return reply.locked() }
                try await self.database.withConnection { c in try UploadStore.delete(c, id: id) }
                self.host.log(.info, "upload \(id) terminated")
                reply.send(204)
            } catch {
                self.host.log(.error, "DELETE of upload \(id) failed (request \(requestId)): \(error)")
                reply.internalError()
            }
        }
    }
}
