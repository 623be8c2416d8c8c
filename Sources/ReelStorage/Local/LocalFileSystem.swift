import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-descriptor-relative helpers for `LocalDiskStorage`. Every path is
/// walked one component at a time with `openat(…, O_NOFOLLOW)`, so a
/// symbolic link anywhere under the root is refused instead of followed
/// (no check-then-use race as with `realpath`).
enum LocalFileSystem {
    static let directoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

    /// A directory opened from the root, or `nil` if a component is absent
    /// (or is a regular file) and `create` is false. The caller closes it.
    static func openDirectory(
        root: Int32, components: ArraySlice<Substring>, create: Bool, key: String
    ) throws(StorageError) -> Int32? {
        var current = dup(root)
        guard current >= 0 else { throw .io(operation: "dup", key: key, errno: errno) }
        for component in components {
            let name = String(component)
            var next = openat(current, name, directoryFlags)
            if next < 0 && errno == ENOENT && create {
                if mkdirat(current, name, 0o755) != 0 && errno != EEXIST {
                    let code = errno
                    close(current)
                    throw .io(operation: "mkdir", key: key, errno: code)
                }
                next = openat(current, name, directoryFlags)
            }
            if next < 0 {
                let code = errno
                let kind = entryKind(current, name)
                close(current)
                if kind == .symlink { throw .symlinkRejected(key: key) }
                if !create && (code == ENOENT || code == ENOTDIR) { return nil }
                throw .io(operation: create ? "create folder for" : "open folder of", key: key, errno: code)
            }
            close(current)
            current = next
        }
        return current
    }

    /// The folder holding `key` (opened) and the key's last component.
    static func openParent(root: Int32, key: String, create: Bool) throws(StorageError) -> (fd: Int32, name: String)? {
        let components = key.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = components.last else { return nil }
        guard let fd = try openDirectory(root: root, components: components.dropLast(), create: create, key: key) else {
            return nil
        }
        return (fd, String(last))
    }

    enum EntryKind { case missing, file, directory, symlink, other }

    static func entryKind(_ directory: Int32, _ name: String) -> EntryKind {
        var info = stat()
        guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// The names in a folder, without `.` and `..`. Takes ownership of `fd`.
    static func entries(ofDirectory fd: Int32) -> [String] {
        guard let stream = fdopendir(fd) else {
            close(fd)
            return []
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes `name` in `directory` and, if it is a folder, everything in
    /// it. Symbolic links are removed, never followed.
    static func removeTree(_ directory: Int32, _ name: String, key: String) throws(StorageError) {
        if entryKind(directory, name) == .directory {
            let fd = openat(directory, name, directoryFlags)
            guard fd >= 0 else { throw .io(operation: "open folder", key: key, errno: errno) }
            let children = entries(ofDirectory: dup(fd))
            defer { close(fd) }
            for child in children {
                try removeTree(fd, child, key: key)
            }
            if unlinkat(directory, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
                throw .io(operation: "remove folder", key: key, errno: errno)
            }
        } else if unlinkat(directory, name, 0) != 0 && errno != ENOENT {
            throw .io(operation: "remove", key: key, errno: errno)
        }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, key: String) throws(StorageError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", key: key, errno: errno)
            }
            offset += written
        }
    }

    /// Reads up to `count` bytes at `offset` (fewer only at end of file).
    static func readFully(_ fd: Int32, offset: Int64, count: Int, key: String) throws(StorageError) -> Data {
        var buffer = Data(count: count)
        var filled = 0
        let failure: Int32? = buffer.withUnsafeMutableBytes { raw in
            while filled < count {
                let got = pread(fd, raw.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if got == 0 { break }
                filled += got
            }
            return nil
        }
        if let failure { throw .io(operation: "read", key: key, errno: failure) }
        buffer.count = filled
        return buffer
    }

    static func randomName(_ prefix: String) -> String {
        prefix + String(UInt64.random(in: .min ... .max), radix: 16)
    }
}
