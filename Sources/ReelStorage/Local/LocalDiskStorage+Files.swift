import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Temporary files and atomic publishing, shared with `LocalDiskWriter`.
extension LocalDiskStorage {
    func openRoot(key: String) throws(StorageError) -> Int32 {
        let fd = open(rootPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open storage root for", key: key, errno: errno) }
        return fd
    }

    func openTemporaryFolder(_ rootFD: Int32, key: String) throws(StorageError) -> Int32 {
        guard let fd = try LocalFileSystem.openDirectory(
            root: rootFD, components: [Substring(Self.temporaryFolder)], create: true, key: key)
        else { throw .io(operation: "open temporary folder for", key: key, errno: ENOENT) }
        return fd
    }

    /// A new, empty file in `.tmp`, open for writing.
    func createTemporaryFile(key: String) throws(StorageError) -> (fd: Int32, name: String) {
        let rootFD = try openRoot(key: key)
        defer { close(rootFD) }
        let temporary = try openTemporaryFolder(rootFD, key: key)
        defer { close(temporary) }
        let name = LocalFileSystem.randomName("object-")
        let fd = openat(temporary, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "create temporary file for", key: key, errno: errno) }
        return (fd, name)
    }

    /// Fsyncs and closes `fd`, then renames the temporary file to `key`
    /// (creating its folders) and fsyncs the folder. Removes the temporary
    /// file if anything fails.
    func publish(key: String, fd: Int32, temporaryName: String) throws(StorageError) {
        var closed = false
        do throws(StorageError) {
            guard fsync(fd) == 0 else { throw StorageError.io(operation: "fsync", key: key, errno: errno) }
            closed = true
            guard close(fd) == 0 else { throw StorageError.io(operation: "close", key: key, errno: errno) }
            let rootFD = try openRoot(key: key)
            defer { close(rootFD) }
            let temporary = try openTemporaryFolder(rootFD, key: key)
            defer { close(temporary) }
            guard let (parent, name) = try LocalFileSystem.openParent(root: rootFD, key: key, create: true) else {
                throw StorageError.io(operation: "create folder for", key: key, errno: ENOENT)
            }
            defer { close(parent) }
            guard renameat(temporary, temporaryName, parent, name) == 0 else {
                throw StorageError.io(operation: "rename into place", key: key, errno: errno)
            }
            // Makes the new name durable; a failure here does not undo the rename.
            _ = fsync(parent)
        } catch {
            if !closed { close(fd) }
            discardTemporaryFile(temporaryName)
            throw error
        }
    }

    func discardTemporaryFile(_ name: String) {
        guard let rootFD = try? openRoot(key: name) else { return }
        defer { close(rootFD) }
        guard let temporary = try? openTemporaryFolder(rootFD, key: name) else { return }
        defer { close(temporary) }
        unlinkat(temporary, name, 0)
    }

    func writeAtomically(key: String, _ body: (Int32) throws -> Void) throws {
        let (fd, name) = try createTemporaryFile(key: key)
        do {
            try body(fd)
        } catch {
            close(fd)
            discardTemporaryFile(name)
            throw error
        }
        try publish(key: key, fd: fd, temporaryName: name)
    }

    func removeStaleTemporaryFiles(olderThan seconds: Int) {
        guard let rootFD = try? openRoot(key: ""), let temporary = try? openTemporaryFolder(rootFD, key: "") else { return }
        defer { close(rootFD); close(temporary) }
        let now = time(nil)
        for name in LocalFileSystem.entries(ofDirectory: dup(temporary)) {
            var info = stat()
            guard fstatat(temporary, name, &info, AT_SYMLINK_NOFOLLOW) == 0,
                  now - info.st_mtim.tv_sec > seconds else { continue }
            try? LocalFileSystem.removeTree(temporary, name, key: name)
        }
    }
}
