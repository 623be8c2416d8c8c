import Foundation
import ReelConcurrency
import ReelPluginKit

extension VideoService {
    /// PATCH /api/v1/uploads/{id}: appends the body at Upload-Offset. The
    /// checks run here, on the I/O thread, against local files only (the
    /// `.info` file and the partial file's size under its lock).
    func tusPatch(_ head: HTTPRequestHead, _ reply: TusReply) -> HTTPBodyReceiver? {
        guard head.speaksTus else { reply.versionMismatch(); return nil }
        let type = head.header("content-type")?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard type == Tus.offsetContentType else {
            reply.error(.unsupportedMediaType, "PATCH bodies must be Content-Type: \(Tus.offsetContentType)")
            return nil
        }
        guard let offset = Tus.integer(head.header("upload-offset")) else {
            reply.error(.invalidArgument, "Upload-Offset must be a non-negative integer")
            return nil
        }
        guard let id = head.uploadID else { reply.notFound(); return nil }
        let caller = head.caller, requestId = head.requestId, bodyLength = head.contentLength ?? 0

        // No .info file: the upload is finished, gone, or never existed; the database knows which.
        guard let info = partials.readInfo(id) else {
            return AfterBody { _ in await self.patchWithoutBytes(id: id, offset: offset, bodyLength: bodyLength, caller: caller,
                                                                 reply, requestId: requestId) }
        }
        guard info.ownerId == caller.userId else { reply.notFound(); return nil }
        guard !info.isExpired else { reply.gone(); return nil }
        let file: (fd: Int32, size: Int64)
        do {
            file = try partials.openLocked(id)
        } catch PartialUploadError.locked {
            reply.locked()
            return nil
        } catch PartialUploadError.missing {
            return AfterBody { _ in await self.patchWithoutBytes(id: id, offset: offset, bodyLength: bodyLength, caller: caller,
                                                                 reply, requestId: requestId) }
        } catch {
            host.log(.error, "opening upload \(id) failed (request \(requestId)): \(error)")
            reply.internalError()
            return nil
        }
        guard file.size == offset else {
            close(file.fd)
            reply.error(.aborted, "Upload-Offset is \(offset) but the upload has \(file.size) bytes",
                        [("Upload-Offset", String(file.size))])
            return nil
        }
        if let length = head.contentLength, length > info.length - offset {
            close(file.fd)
            reply.error(.contentTooLarge, "the body goes past Upload-Length (\(info.length) bytes)")
            return nil
        }
        return PatchReceiver(service: self, info: info, fd: file.fd, startOffset: offset, reply: reply, requestId: requestId)
    }

    /// A PATCH for an upload without partial bytes: a retry of the request
    /// that finished it (answered as it was), or an upload that is gone.
    private func patchWithoutBytes(id: String, offset: Int64, bodyLength: Int64, caller: Caller, _ reply: TusReply,
                                   requestId: String) async {
        do {
            guard let record = try await database.withConnection({ c in try UploadStore.byID(c, id) }),
                  record.ownerId == caller.userId else { return reply.notFound() }
            if let videoId = record.videoId {
                guard offset == record.length, bodyLength == 0 else {
                    return reply.error(.aborted, "the upload is already complete", [("Upload-Offset", String(record.length))])
                }
                return reply.send(204, [("Upload-Offset", String(record.length)), ("Reel-Video-Id", videoId)])
            }
            return record.isExpired ? reply.gone() : reply.notFound()
        } catch {
            host.log(.error, "PATCH of upload \(id) failed (request \(requestId)): \(error)")
            reply.internalError()
        }
    }
}
