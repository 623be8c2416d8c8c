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
    let key: String
    private let storage: S3Storage
    private let spool: SpoolFile

    init(storage: S3Storage, key: String) throws(StorageError) {
        self.storage = storage
        self.key = key
        let path = storage.spoolDirectory + "/" + LocalFileSystem.randomName(".reel-s3-spool-")
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(operation: "create spool file for", key: key, errno: errno) }
        unlink(path)
        spool = SpoolFile(fd: fd, key: key)
    }

    deinit {
        abort()
    }

    var bytesWritten: Int64 { spool.bytesWritten }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try spool.append(bytes)
    }

    func finish() throws {
        try spool.finish { fd, size in
            defer { close(fd) }
            try storage.uploadFile(fd: fd, size: size, key: key)
        }
    }

    func abort() {
        spool.abort()
    }

    func finishAsync() async throws {
        try await storage.threads.run { [self] in try finish() }
    }
}
