import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What PATCH needs to know about an upload without asking the database
/// (http_begin runs on an HTTP thread): kept next to the bytes as
/// `<id>.info`, written once at creation. video.uploads stays the truth.
struct UploadInfo: Codable, Sendable, Equatable {
    var id: String
    var ownerId: String
    var length: Int64
    var expiresAt: Date

    var isExpired: Bool { expiresAt <= Date() }
}

/// Why a partial upload could not be opened for writing.
enum PartialUploadError: Error, Equatable {
    /// Another request holds the upload (flock).
    case locked
    /// The bytes are gone (terminated, expired and swept, or completed).
    case missing
    case io(String)
}

/// The folder of unfinished uploads: `<id>` (the bytes received so far; its
/// size is the tus offset) and `<id>.info`. Writers hold an exclusive
/// flock(2) on `<id>` for the whole request, so a second PATCH, a DELETE or
/// the sweeper on the same upload sees it busy — across plugin generations
/// too, since flock locks belong to open files, not to processes.
struct PartialUploads: Sendable {
    let directory: String

    func path(_ id: String) -> String { directory + "/" + id }
    func infoPath(_ id: String) -> String { directory + "/" + id + ".info" }

    func prepare() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Writes `<id>.info` (through a temporary file and a rename) and an empty `<id>`.
    func create(_ info: UploadInfo) throws {
        let data = try JSONEncoder().encode(info)
        let temporary = directory + "/." + info.id + ".info.tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw PartialUploadError.io("cannot write \(temporary)")
        }
        guard rename(temporary, infoPath(info.id)) == 0 else {
            let code = errno
            unlink(temporary)
            throw PartialUploadError.io("rename: \(String(cString: strerror(code)))")
        }
        let fd = open(path(info.id), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PartialUploadError.io("create: \(String(cString: strerror(errno)))") }
        close(fd)
    }

    func readInfo(_ id: String) -> UploadInfo? {
        guard let data = FileManager.default.contents(atPath: infoPath(id)) else { return nil }
        return try? JSONDecoder().decode(UploadInfo.self, from: data)
    }

    /// Opens `<id>` for writing and locks it; the caller closes the
    /// descriptor (which releases the lock). Returns the descriptor and the
    /// file's size (the current offset).
    func openLocked(_ id: String) throws(PartialUploadError) -> (fd: Int32, size: Int64) {
        let fd = open(path(id), O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw errno == ENOENT ? .missing : .io("open: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            throw code == EWOULDBLOCK ? .locked : .io("flock: \(String(cString: strerror(code)))")
        }
        // The holder before us may have removed the file: then ours is a lock
        // on an unlinked inode, and the upload is gone.
        var opened = stat()
        var current = stat()
        guard fstat(fd, &opened) == 0, stat(path(id), &current) == 0, opened.st_ino == current.st_ino else {
            close(fd)
            throw .missing
        }
        return (fd, Int64(opened.st_size))
    }

    /// The size of `<id>` (the bytes actually written), nil if there is none.
    func size(_ id: String) -> Int64? {
        var info = stat()
        return stat(path(id), &info) == 0 ? Int64(info.st_size) : nil
    }

    /// Removes `<id>` and `<id>.info` (absent files are fine).
    func remove(_ id: String) {
        unlink(path(id))
        unlink(infoPath(id))
    }

    /// Removes the upload's files if nobody holds it; false if it is busy.
    func removeUnlessBusy(_ id: String) -> Bool {
        do {
            let (fd, _) = try openLocked(id)
            remove(id)
            close(fd)
            return true
        } catch PartialUploadError.locked {
            return false
        } catch {
            remove(id)  // no bytes file: drop the info file too
            return true
        }
    }

    /// Upload ids with files here, and how old (seconds) the newest of their files is.
    func listed() -> [(id: String, ageSeconds: TimeInterval)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var newest: [String: Date] = [:]
        for name in names where !name.hasPrefix(".") {
            let id = name.hasSuffix(".info") ? String(name.dropLast(5)) : name
            guard UUIDs.canonical(id) == id else { continue }
            let modified = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name))?[.modificationDate] as? Date
            newest[id] = max(newest[id] ?? .distantPast, modified ?? .distantPast)
        }
        return newest.map { ($0.key, Date().timeIntervalSince($0.value)) }
    }
}
