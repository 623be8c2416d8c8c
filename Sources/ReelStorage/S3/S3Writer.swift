import ReelConcurrency
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Spools appended chunks to an unlinked temporary file (no name to leak,
/// the kernel frees it when the descriptor closes), then uploads it in
/// `finish()` with `S3Storage.uploadFile` (multipart above the part size).
///
/// Why spool rather than upload each 8 MiB part as it fills: `append` runs
/// on an HTTP thread and must not wait for the network, and a failed upload
/// can be reported at one point (`finish`). The price is local disk space
/// for the object while it is being written.
final class S3Writer: ObjectWriter {
    private enum State: Sendable {
        case open(fd: Int32, written: Int64)
        case finished(written: Int64)
        case aborted(written: Int64)
    }

    let key: String
    private let storage: S3Storage
    private let state: LockedBox<State>

    init(storage: S3Storage, key: String) throws(StorageError) {
        self.storage = storage
        self.key = key
        let path = storage.spoolDirectory + "/" + LocalFileSystem.randomName(".reel-s3-spool-")
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(operation: "create spool file for", key: key, errno: errno) }
        unlink(path)
        state = LockedBox(.open(fd: fd, written: 0))
    }

    deinit {
        abort()
    }

    var bytesWritten: Int64 {
        state.withLock { state in
            switch state {
            case let .open(_, written), let .finished(written), let .aborted(written): return written
            }
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            guard case let .open(fd, written) = state else { throw StorageError.writerClosed(key: key) }
            do {
                try LocalFileSystem.writeAll(fd, bytes, key: key)
            } catch {
                close(fd)
                state = .aborted(written: written)
                throw error
            }
            state = .open(fd: fd, written: written + Int64(bytes.count))
        }
    }

    func finish() throws {
        try state.withLock { state in
            guard case let .open(fd, written) = state else { throw StorageError.writerClosed(key: key) }
            defer { close(fd) }
            state = .aborted(written: written)
            try storage.uploadFile(fd: fd, size: written, key: key)
            state = .finished(written: written)
        }
    }

    func abort() {
        state.withLock { state in
            guard case let .open(fd, written) = state else { return }
            close(fd)
            state = .aborted(written: written)
        }
    }

    func finishAsync() async throws {
        try await storage.threads.run { [self] in try finish() }
    }
}
