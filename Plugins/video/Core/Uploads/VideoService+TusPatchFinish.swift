import Foundation
import ReelConcurrency
import ReelPluginKit

extension VideoService {
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
        uploadMetrics.bytes.increment(by: Double(receiver.written))
        if aborted {
            host.log(.info, "upload \(info.id): client went away at \(offset) of \(info.length) bytes")
            return reply.send(204, [("Upload-Offset", String(offset)), expires])  // discarded by the host
        }
        if offset < info.length { return reply.send(204, [("Upload-Offset", String(offset)), expires]) }
        await completeUpload(info, reply, requestId: requestId)
    }
}
