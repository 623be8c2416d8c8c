import Foundation
@testable import ReelStorage
import XCTest

/// The conformance suite on a temporary folder, plus what only local disk
/// has: symbolic links, `localPath`, `openForReading`, the temporary folder.
final class LocalDiskStorageTests: XCTestCase {
    private var folder: URL!
    private var root: URL { folder.appendingPathComponent("media") }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("reel-storage-\(randomHex())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func suite() throws -> StorageConformance {
        StorageConformance(storage: try LocalDiskStorage(root: root), prefix: "t-\(randomHex(8))/")
    }

    func testPutGetSizeDelete() async throws { try await suite().putGetSizeDelete() }
    func testPutFromFile() async throws { try await suite().putFromFile() }
    func testRanges() async throws { try await suite().ranges() }
    func testPutAdoptingFile() async throws { try await suite().putAdoptingFile(in: folder) }

    /// On the same file system the object is the file itself (one inode, no
    /// copy), published like any other object: mode 0644, nothing in `.tmp`.
    func testPutAdoptingSameFileSystemLinksInsteadOfCopying() async throws {
        let storage = try LocalDiskStorage(root: root)
        let file = folder.appendingPathComponent("upload")
        try Data("the whole upload".utf8).write(to: file)
        XCTAssertEqual(chmod(file.path, 0o600), 0)
        try await storage.put(key: "videos/v/source/clip.mp4", adopting: file)
        var source = stat(), object = stat()
        XCTAssertEqual(stat(file.path, &source), 0)
        XCTAssertEqual(stat(root.path + "/videos/v/source/clip.mp4", &object), 0)
        XCTAssertEqual(object.st_ino, source.st_ino, "the object is a copy, not the adopted file")
        XCTAssertEqual(object.st_mode & 0o777, 0o644)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path + "/.tmp"), [])
        // A failed transaction after the adoption deletes the object: the upload keeps its bytes.
        try await storage.delete(prefix: "videos/v/")
        XCTAssertEqual(try Data(contentsOf: file), Data("the whole upload".utf8))
    }

    /// Across file systems (tmpfs /dev/shm to the test folder) it copies.
    func testPutAdoptingAcrossFileSystemsCopies() async throws {
        let other = URL(fileURLWithPath: "/dev/shm/reel-adopt-\(randomHex())")
        var shm = stat(), here = stat()
        try XCTSkipUnless(stat("/dev/shm", &shm) == 0 && stat(folder.path, &here) == 0 && shm.st_dev != here.st_dev,
                          "no second file system at /dev/shm")
        try Data("bytes from elsewhere".utf8).write(to: other)
        defer { try? FileManager.default.removeItem(at: other) }
        let storage = try LocalDiskStorage(root: root)
        try await storage.put(key: "videos/w/source.mp4", adopting: other)
        var source = stat(), object = stat()
        XCTAssertEqual(stat(other.path, &source), 0)
        XCTAssertEqual(stat(root.path + "/videos/w/source.mp4", &object), 0)
        XCTAssertNotEqual(object.st_dev, source.st_dev)
        let read = try await storage.get(key: "videos/w/source.mp4")
        XCTAssertEqual(read, Data("bytes from elsewhere".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path + "/.tmp"), [])
    }
    func testListAndDeletePrefix() async throws { try await suite().listAndDeletePrefix() }
    func testWriterPublishesOnFinish() async throws { try await suite().writerPublishesOnFinish() }
    func testWriterAbortLeavesNothing() async throws {
        try await suite().writerAbortLeavesNothing()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path + "/.tmp"), [])
    }
    func testStreamed64MiBWrite() async throws { try await suite().streamed64MiBWrite() }
    func testKeyValidation() async throws { try await suite().keyValidation() }
    func testConcurrentRequests() async throws { try await suite().concurrentRequests() }

    func testSymlinkedFolderIsNotFollowed() async throws {
        let storage = try LocalDiskStorage(root: root)
        let outside = folder.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: outside.appendingPathComponent("secret"))
        try FileManager.default.createSymbolicLink(atPath: root.path + "/evil", withDestinationPath: outside.path)

        await assertStorageError("put through a link", isSymlinkRejected) {
            try await storage.put(key: "evil/x", data: Data("x".utf8))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside.path + "/x"))
        await assertStorageError("get through a link", isSymlinkRejected) { _ = try await storage.get(key: "evil/secret") }
        await assertStorageError("size through a link", isSymlinkRejected) { _ = try await storage.size(key: "evil/secret") }
        await assertStorageError("open through a link", isSymlinkRejected) { _ = try storage.openForReading(key: "evil/secret") }
        await assertStorageError("delete through a link", isSymlinkRejected) { try await storage.delete(key: "evil/secret") }
        let writer = try storage.makeWriter(key: "evil/y")
        try writer.append(Data("y".utf8))
        await assertStorageError("writer through a link", isSymlinkRejected) { try writer.finish() }
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside.path + "/y"))
        let listed = try await storage.list(prefix: "")
        XCTAssertEqual(listed, [])

        // Removing the "folder" removes the link, not what it points to.
        try await storage.delete(prefix: "evil/")
        XCTAssertTrue(FileManager.default.fileExists(atPath: outside.path + "/secret"))
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: root.path + "/evil"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path + "/.tmp"), [])
    }

    /// The one-open fast path of openForReading takes only files reached
    /// without any link; a link inside the root (even to a folder inside it)
    /// sends it to the component-by-component walk, which refuses it.
    func testOpenForReadingFastPathNeverFollowsLinks() async throws {
        let linkedRoot = folder.appendingPathComponent("root-link")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: linkedRoot.path, withDestinationPath: root.path)
        let storage = try LocalDiskStorage(root: linkedRoot) // the root itself may be a link
        try await storage.put(key: "v/real/a.m4s", data: Data("bytes".utf8))
        let fd = try XCTUnwrap(storage.openVerified(key: "v/real/a.m4s"))
        close(fd)
        let opened = try storage.openForReading(key: "v/real/a.m4s")
        var buffer = [UInt8](repeating: 0, count: 5)
        XCTAssertEqual(pread(opened, &buffer, 5, 0), 5)
        XCTAssertEqual(String(decoding: buffer, as: UTF8.self), "bytes")
        close(opened)

        try FileManager.default.createSymbolicLink(atPath: root.path + "/v/alias", withDestinationPath: root.path + "/v/real")
        XCTAssertNil(storage.openVerified(key: "v/alias/a.m4s"))
        await assertStorageError("open through an inner link", isSymlinkRejected) {
            _ = try storage.openForReading(key: "v/alias/a.m4s")
        }
        try FileManager.default.createDirectory(atPath: root.path + "/v/dir.m4s", withIntermediateDirectories: true)
        XCTAssertNil(storage.openVerified(key: "v/dir.m4s"), "folders are not files")
        XCTAssertNil(storage.openVerified(key: "v/missing.m4s"))
    }

    func testSymlinkedFileIsNotFollowed() async throws {
        let storage = try LocalDiskStorage(root: root)
        let secret = folder.appendingPathComponent("secret.txt")
        try Data("secret".utf8).write(to: secret)
        try FileManager.default.createDirectory(atPath: root.path + "/v", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/v/link", withDestinationPath: secret.path)

        await assertStorageError("get a link", isSymlinkRejected) { _ = try await storage.get(key: "v/link") }
        await assertStorageError("range of a link", isSymlinkRejected) { _ = try await storage.read(key: "v/link", range: 0..<2) }
        await assertStorageError("size of a link", isSymlinkRejected) { _ = try await storage.size(key: "v/link") }
        await assertStorageError("open a link", isSymlinkRejected) { _ = try storage.openForReading(key: "v/link") }
        let listed = try await storage.list(prefix: "v/")
        XCTAssertEqual(listed, [])

        // Writing the key replaces the link itself; the target is untouched.
        try await storage.put(key: "v/link", data: Data("mine".utf8))
        XCTAssertEqual(try String(contentsOf: secret, encoding: .utf8), "secret")
        let read = try await storage.get(key: "v/link")
        XCTAssertEqual(String(decoding: read, as: UTF8.self), "mine")
    }

    func testLocalPathAndOpenForReading() async throws {
        let storage = try LocalDiskStorage(root: root)
        try await storage.put(key: "videos/a/seg-1.m4s", data: Data("segment".utf8))
        let path = try XCTUnwrap(storage.localPath(for: "videos/a/seg-1.m4s"))
        XCTAssertEqual(path, root.path + "/videos/a/seg-1.m4s")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "segment")
        XCTAssertNil(try storage.presignedURL(for: "videos/a/seg-1.m4s", expires: .seconds(60)))

        let fd = try storage.openForReading(key: "videos/a/seg-1.m4s")
        defer { close(fd) }
        var info = stat()
        XCTAssertEqual(fstat(fd, &info), 0)
        XCTAssertEqual(info.st_size, 7)
        await assertStorageError("open a folder", isNotFound) { _ = try storage.openForReading(key: "videos/a") }
        await assertStorageError("open a missing file", isNotFound) { _ = try storage.openForReading(key: "videos/a/nope") }
        await assertStorageError("open under a file", isNotFound) { _ = try storage.openForReading(key: "videos/a/seg-1.m4s/x") }
        let folderSize = try await storage.size(key: "videos/a")
        XCTAssertNil(folderSize, "a folder is not an object")
    }

    func testTemporaryFilesAreHidden() async throws {
        let storage = try LocalDiskStorage(root: root)
        let writer = try storage.makeWriter(key: "up/file.bin")
        try writer.append(Data("partial".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path + "/.tmp").count, 1)
        let listed = try await storage.list(prefix: "")
        XCTAssertEqual(listed, [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.path + "/up/file.bin"))
        try await writer.finishAsync()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path + "/.tmp"), [])
        let afterFinish = try await storage.list(prefix: "")
        XCTAssertEqual(afterFinish, ["up/file.bin"])
    }
}
