import Foundation
import ReelConcurrency
import ReelPluginKit

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
