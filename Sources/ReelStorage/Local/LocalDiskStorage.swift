import CReelSupport
import ReelConcurrency
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Objects as files under a root folder (default `$REEL_DATA_DIR/media`).
///
/// - Writes go to a temporary file in `<root>/.tmp` (same file system), are
///   fsynced, then renamed into place, and the folder is fsynced: readers see
///   the old object or the new one, never half of one.
/// - Symbolic links under the root are refused: every path is walked with
///   `openat(O_NOFOLLOW)` (`LocalFileSystem`). The root itself may be a link.
/// - Listing skips names starting with `.` (temporary files), symbolic links
///   and names that are not valid keys.
public final class LocalDiskStorage: ObjectStorage {
    public let root: URL
    let rootPath: String
    /// The root with every symbolic link resolved (the root itself may be
    /// one), for `openVerified`; nil if it could not be resolved.
    let realRoot: String?
    /// The root, open for `openat2` beneath it (-1 if it could not be opened).
    let rootFD: Int32
    let threads: BlockingThreads
    static let temporaryFolder = ".tmp"

    /// Creates `root` (and its parents) if needed, and removes temporary
    /// files older than a day left behind by a crash.
    public init(root: URL, threads: Int = 4) throws {
        self.root = root.standardizedFileURL
        rootPath = self.root.path
        self.threads = BlockingThreads(name: "reel-disk", limit: threads)
        var path = ""
        for component in (rootPath + "/" + Self.temporaryFolder).split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw StorageError.io(operation: "create storage folder", key: path, errno: errno)
            }
        }
        realRoot = realpath(rootPath, nil).map { resolved in
            defer { free(resolved) }
            return String(cString: resolved)
        }
        rootFD = open(rootPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        removeStaleTemporaryFiles(olderThan: 86_400)
    }

    deinit { if rootFD >= 0 { close(rootFD) } }

    // MARK: ObjectStorage

    public func put(key: String, from fileURL: URL) async throws {
        try StorageKey.validate(key)
        let source = fileURL.path
        try await threads.run { [self] in
            let input = open(source, O_RDONLY | O_CLOEXEC)
            guard input >= 0 else { throw StorageError.io(operation: "open source file for", key: key, errno: errno) }
            defer { close(input) }
            try writeAtomically(key: key) { output in
                let chunk = 1 << 20
                var offset: Int64 = 0
                while true {
                    let bytes = try LocalFileSystem.readFully(input, offset: offset, count: chunk, key: key)
                    if bytes.isEmpty { break }
                    try bytes.withUnsafeBytes { try LocalFileSystem.writeAll(output, $0, key: key) }
                    offset += Int64(bytes.count)
                }
            }
        }
    }

    public func put(key: String, data: Data) async throws {
        try StorageKey.validate(key)
        try await threads.run { [self] in
            try writeAtomically(key: key) { output in
                try data.withUnsafeBytes { try LocalFileSystem.writeAll(output, $0, key: key) }
            }
        }
    }

    public func makeWriter(key: String) throws -> any ObjectWriter {
        try StorageKey.validate(key)
        let (fd, name) = try createTemporaryFile(key: key)
        return LocalDiskWriter(storage: self, key: key, fd: fd, temporaryName: name)
    }

    public func get(key: String) async throws -> Data {
        try await read(key: key, range: nil)
    }

    public func read(key: String, range: Range<Int64>?) async throws -> Data {
        try StorageKey.validate(key)
        return try await threads.run { [self] in
            let fd = try openForReading(key: key)
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw StorageError.io(operation: "stat", key: key, errno: errno) }
            let size = Int64(info.st_size)
            let bounds = try ByteRange.clamp(range, size: size, key: key)
            return try LocalFileSystem.readFully(fd, offset: bounds.lowerBound, count: Int(bounds.count), key: key)
        }
    }

    public func size(key: String) async throws -> Int64? {
        try StorageKey.validate(key)
        return try await threads.run { [self] () throws -> Int64? in
            let rootFD = try openRoot(key: key)
            defer { close(rootFD) }
            guard let (parent, name) = try LocalFileSystem.openParent(root: rootFD, key: key, create: false) else {
                return nil
            }
            defer { close(parent) }
            var info = stat()
            guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { return nil }
                throw StorageError.io(operation: "stat", key: key, errno: errno)
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return Int64(info.st_size)
            case S_IFLNK: throw StorageError.symlinkRejected(key: key)
            default: return nil
            }
        }
    }

    public func delete(key: String) async throws {
        try StorageKey.validate(key)
        try await threads.run { [self] in
            let rootFD = try openRoot(key: key)
            defer { close(rootFD) }
            guard let (parent, name) = try LocalFileSystem.openParent(root: rootFD, key: key, create: false) else {
                return
            }
            defer { close(parent) }
            // A folder at this name is not an object: nothing to delete.
            if unlinkat(parent, name, 0) != 0 && errno != ENOENT && errno != EISDIR {
                throw StorageError.io(operation: "delete", key: key, errno: errno)
            }
        }
    }

    /// Moves the folder into `.tmp` first (one rename: it disappears at
    /// once for readers and listings), then removes it there.
    public func delete(prefix: String) async throws {
        try StorageKey.validateFolderPrefix(prefix)
        try await threads.run { [self] in
            let folderKey = String(prefix.dropLast())
            let rootFD = try openRoot(key: prefix)
            defer { close(rootFD) }
            guard let (parent, name) = try LocalFileSystem.openParent(root: rootFD, key: folderKey, create: false) else {
                return
            }
            defer { close(parent) }
            // A file at the folder's name is not under the prefix (S3 would delete nothing).
            guard LocalFileSystem.entryKind(parent, name) != .file else { return }
            let temporary = try openTemporaryFolder(rootFD, key: prefix)
            defer { close(temporary) }
            let trash = LocalFileSystem.randomName("trash-")
            guard renameat(parent, name, temporary, trash) == 0 else {
                if errno == ENOENT { return }
                throw StorageError.io(operation: "delete folder", key: prefix, errno: errno)
            }
            try LocalFileSystem.removeTree(temporary, trash, key: prefix)
        }
    }

    public func list(prefix: String) async throws -> [String] {
        try StorageKey.validatePrefix(prefix)
        return try await threads.run { [self] in try listSynchronously(prefix: prefix) }
    }

    public func localPath(for key: String) -> String? {
        guard (try? StorageKey.validate(key)) != nil else { return nil }
        return rootPath + "/" + key
    }

    public func presignedURL(for key: String, expires: Duration) throws -> URL? {
        try StorageKey.validate(key)
        return nil
    }

    // MARK: Local disk only

    /// Opens the object for reading (for `sendfile`): refuses symbolic links
    /// anywhere under the root and anything but a regular file. Blocking (a
    /// few system calls); the caller closes the descriptor.
    public func openForReading(key: String) throws -> Int32 {
        try openFileForReading(key: key).fd
    }

    /// `openForReading`, with the `fstat` it made of the file (size, times,
    /// inode: the media routes' validators), so the caller need not ask again.
    public func openFileForReading(key: String) throws -> (fd: Int32, info: stat) {
        try StorageKey.validate(key)
        if let opened = openVerifiedFile(key: key) { return opened }
        let rootFD = try openRoot(key: key)
        defer { close(rootFD) }
        guard let (parent, name) = try LocalFileSystem.openParent(root: rootFD, key: key, create: false) else {
            throw StorageError.notFound(key: key)
        }
        defer { close(parent) }
        let fd = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP || LocalFileSystem.entryKind(parent, name) == .symlink {
                throw StorageError.symlinkRejected(key: key)
            }
            if code == ENOENT || code == ENOTDIR { throw StorageError.notFound(key: key) }
            throw StorageError.io(operation: "open", key: key, errno: code)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw StorageError.notFound(key: key)
        }
        // O_NONBLOCK only kept open() from blocking on a FIFO; regular files ignore it.
        return (fd, info)
    }

    /// The fast path of `openForReading` (media serving opens a file per
    /// request): one `open` of the whole path, then the kernel's own record
    /// of what was opened (/proc/self/fd) must be exactly that path under
    /// the root's real path — a symbolic link anywhere on the way would
    /// make it differ. Nil (the caller walks the path instead) when it
    /// differs, when the open fails, when /proc is not there, or for
    /// anything but a regular file; never a false positive.
    func openVerified(key: String) -> Int32? { openVerifiedFile(key: key)?.fd }

    /// `openVerified`, with the file's `fstat`.
    func openVerifiedFile(key: String) -> (fd: Int32, info: stat)? {
        // One system call where the kernel has openat2 (5.6): it refuses a
        // symbolic link anywhere under the root and any way out of it.
        if rootFD >= 0 {
            let fd = reel_sys_open_beneath(rootFD, key)
            if fd >= 0 {
                var info = stat()
                guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                    close(fd)
                    return nil
                }
                return (fd, info)
            }
            if errno != ENOSYS { return nil }
        }
        guard let realRoot else { return nil }
        let expected = realRoot + "/" + key
        let fd = open(expected, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        let length = expected.utf8.count
        var buffer = [CChar](repeating: 0, count: length + 1)
        let count = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count)
        var info = stat()
        guard count == length,
              expected.utf8.elementsEqual(buffer[0..<length].lazy.map { UInt8(bitPattern: $0) }),
              fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return nil
        }
        return (fd, info)
    }
}
