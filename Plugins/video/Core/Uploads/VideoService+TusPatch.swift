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

    /// After the body: make the bytes durable, then answer the new offset,
    /// or complete the upload when it reached its length.
    func finishPatch(_ receiver: PatchReceiver.Outcome, info: UploadInfo, fd: Int32, startOffset: Int64, aborted: Bool,
                     _ replyKeepingLock: TusReply, requestId: String) async {
        let reply = replyKeepingLock.closing(fd)  // every answer below releases the lock first
        let synced: Result<Void, SystemError> = await BlockingIO.perform {
            // A body that went past Upload-Length is refused whole.
            if receiver.overflowed, ftruncate(fd, off_t(startOffset)) != 0 { return .failure(SystemError("ftruncate")) }
            return fsync(fd) == 0 ? .success(()) : .failure(SystemError("fsync"))
        }
        let offset = receiver.overflowed ? startOffset : startOffset + receiver.written
        let expires = ("Upload-Expires", HTTPDate.format(info.expiresAt))
        if case .failure(let error) = synced {
            host.log(.error, "upload \(info.id): \(error) (request \(requestId))")
            return reply.internalError()
        }
        if let code = receiver.writeErrno {
            host.log(.error, "upload \(info.id): write failed: \(String(cString: strerror(code))) (request \(requestId))")
            return reply.error(code == ENOSPC ? .storageFull : .internal, "the upload could not be stored (request \(requestId))",
                               [("Upload-Offset", String(offset))])
        }
        if receiver.overflowed {
            return reply.error(.contentTooLarge,
                               "the body goes past Upload-Length (\(info.length) bytes); nothing of this request was kept",
                               [("Upload-Offset", String(offset)), expires])
        }
        if aborted {
            host.log(.info, "upload \(info.id): client went away at \(offset) of \(info.length) bytes")
            return reply.send(204, [("Upload-Offset", String(offset)), expires])  // discarded by the host
        }
        if offset < info.length { return reply.send(204, [("Upload-Offset", String(offset)), expires]) }
        await completeUpload(info, reply, requestId: requestId)
    }
}

/// A failed system call and its errno, read when this is made.
struct SystemError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32

    init(_ operation: String) {
        self.operation = operation
        code = errno
    }

    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// Writes a PATCH body into the partial file as it arrives (on the host's
/// I/O thread, one chunk at a time); never more than the upload's length.
final class PatchReceiver: HTTPBodyReceiver {
    struct Outcome: Sendable {
        var written: Int64 = 0
        var overflowed = false
        var writeErrno: Int32?
    }

    private let service: VideoService
    private let info: UploadInfo
    private let fd: Int32
    private let startOffset: Int64
    private let reply: TusReply
    private let requestId: String
    private let outcome = LockedBox(Outcome())

    init(service: VideoService, info: UploadInfo, fd: Int32, startOffset: Int64, reply: TusReply, requestId: String) {
        self.service = service
        self.info = info
        self.fd = fd
        self.startOffset = startOffset
        self.reply = reply
        self.requestId = requestId
    }

    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return true }
        return outcome.withLock { o in
            guard Int64(chunk.count) <= info.length - startOffset - o.written else {
                o.overflowed = true
                return false
            }
            var done = 0
            while done < chunk.count {
                let n = pwrite(fd, base + done, chunk.count - done, off_t(startOffset + o.written))
                if n < 0 {
                    if errno == EINTR { continue }
                    o.writeErrno = errno
                    return false
                }
                done += n
                o.written += Int64(n)
            }
            return true
        }
    }

    func finish(aborted: Bool) {
        let result = outcome.withLock { $0 }
        let (service, info, fd, startOffset, reply, requestId) = (self.service, self.info, self.fd, self.startOffset, self.reply, self.requestId)
        Task {
            await service.finishPatch(result, info: info, fd: fd, startOffset: startOffset, aborted: aborted, reply,
                                      requestId: requestId)
        }
    }
}
