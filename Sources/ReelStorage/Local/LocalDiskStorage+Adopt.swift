import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `put(key:adopting:)` on local disk: a finished upload becomes the object
/// without its bytes being read or written again.
extension LocalDiskStorage {
    /// Why a hard link may fail where a copy works: another file system
    /// (EXDEV), one without hard links (EPERM, EOPNOTSUPP), too many links.
    static let copyInsteadOfLink: Set<Int32> = [EXDEV, EPERM, EOPNOTSUPP, EMLINK]

    public func put(key: String, adopting fileURL: URL) async throws {
        try StorageKey.validate(key)
        let source = fileURL.path
        let linked = try await threads.run { [self] in try linkIntoPlace(key: key, source: source) }
        if !linked { try await put(key: key, from: fileURL) }
    }

    /// Links `source` into `.tmp`, then publishes it like any write (fsync,
    /// rename into place, fsync of the folder). A link, not a rename of the
    /// source: until the caller removes its name it still has its file, so
    /// a failure after this (the caller's transaction) loses nothing. False
    /// when this file system cannot link it here (the caller copies).
    private func linkIntoPlace(key: String, source: String) throws -> Bool {
        let rootFD = try openRoot(key: key)
        defer { close(rootFD) }
        let temporary = try openTemporaryFolder(rootFD, key: key)
        defer { close(temporary) }
        let name = LocalFileSystem.randomName("object-")
        // Flags 0: a symbolic link at `source` would be linked itself, never followed (and is refused below).
        guard linkat(AT_FDCWD, source, temporary, name, 0) == 0 else {
            let code = errno
            if Self.copyInsteadOfLink.contains(code) { return false }
            throw StorageError.io(operation: "link source file for", key: key, errno: code)
        }
        let fd = openat(temporary, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            discardTemporaryFile(name)
            throw StorageError.io(operation: "open linked source file for", key: key, errno: code)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            discardTemporaryFile(name)
            throw StorageError.io(operation: "adopt (not a regular file)", key: key, errno: EINVAL)
        }
        // Objects are readable like every other put's (uploads are written 0600).
        _ = fchmod(fd, 0o644)
        try publish(key: key, fd: fd, temporaryName: name)
        return true
    }
}
