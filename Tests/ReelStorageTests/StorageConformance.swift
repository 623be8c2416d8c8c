import Foundation
import ReelStorage
import XCTest

/// The behaviour every `ObjectStorage` must have. Each test class
/// (`LocalDiskStorageTests`, `S3StorageTests`) runs every check against its
/// backend; keys live under `prefix`, unique per test.
struct StorageConformance {
    let storage: any ObjectStorage
    let prefix: String

    func k(_ name: String) -> String { prefix + name }

    func putGetSizeDelete() async throws {
        let key = k("videos/abc/original.mp4")
        let data = Data("hello, storage".utf8)
        let missing = try await storage.size(key: key)
        XCTAssertNil(missing)
        try await storage.put(key: key, data: data)
        let size = try await storage.size(key: key)
        XCTAssertEqual(size, Int64(data.count))
        let read = try await storage.get(key: key)
        XCTAssertEqual(read, data)

        try await storage.put(key: key, data: Data("replaced".utf8))
        let replaced = try await storage.get(key: key)
        XCTAssertEqual(String(decoding: replaced, as: UTF8.self), "replaced")

        try await storage.put(key: k("empty"), data: Data())
        let emptySize = try await storage.size(key: k("empty"))
        XCTAssertEqual(emptySize, 0)
        let empty = try await storage.get(key: k("empty"))
        XCTAssertEqual(empty, Data())

        try await storage.delete(key: key)
        let afterDelete = try await storage.size(key: key)
        XCTAssertNil(afterDelete)
        try await storage.delete(key: key)  // absent: not an error
        await assertStorageError("get after delete", isNotFound) { _ = try await storage.get(key: key) }
        await assertStorageError("read after delete", isNotFound) { _ = try await storage.read(key: key, range: 0..<1) }
    }

    func putFromFile() async throws {
        // Above 8 MiB: S3 uploads it with multipart upload (two parts).
        let count = (9 << 20) + 12_345
        let bytes = Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) })
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reel-put-\(randomHex()).bin")
        try bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let key = k("videos/file/source.bin")
        try await storage.put(key: key, from: file)
        let size = try await storage.size(key: key)
        XCTAssertEqual(size, Int64(count))
        let read = try await storage.get(key: key)
        XCTAssertTrue(read == bytes, "the object read back differs from the file")
        await assertStorageError("missing source file", { if case .io = $0 { return true }; return false }) {
            try await storage.put(key: k("nope"), from: URL(fileURLWithPath: "/nonexistent/reel-file"))
        }
    }

    /// An adopted file: the object has its bytes, and removing the file
    /// afterwards (as an upload does) leaves the object whole.
    func putAdoptingFile(in folder: URL = FileManager.default.temporaryDirectory) async throws {
        let bytes = Data((0..<(3 << 20) + 777).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) })
        let file = folder.appendingPathComponent("reel-adopt-\(randomHex()).bin")
        try bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let key = k("videos/adopted/source.mp4")
        try await storage.put(key: key, adopting: file)
        try FileManager.default.removeItem(at: file)
        let size = try await storage.size(key: key)
        XCTAssertEqual(size, Int64(bytes.count))
        let read = try await storage.get(key: key)
        XCTAssertTrue(read == bytes, "the adopted object read back differs from the file")
        await assertStorageError("missing source file", { if case .io = $0 { return true }; return false }) {
            try await storage.put(key: k("nope"), adopting: URL(fileURLWithPath: "/nonexistent/reel-file"))
        }
    }

    func ranges() async throws {
        let key = k("r/digits.txt")
        try await storage.put(key: key, data: Data("0123456789".utf8))
        func text(_ range: Range<Int64>?) async throws -> String {
            String(decoding: try await storage.read(key: key, range: range), as: UTF8.self)
        }
        let middle = try await text(2..<5)
        XCTAssertEqual(middle, "234")
        let first = try await text(0..<1)
        XCTAssertEqual(first, "0")
        let clamped = try await text(8..<100)
        XCTAssertEqual(clamped, "89")
        let whole = try await text(nil)
        XCTAssertEqual(whole, "0123456789")
        await assertStorageError("range past the end", isRangeNotSatisfiable) { _ = try await text(10..<12) }
        await assertStorageError("empty range", isRangeNotSatisfiable) { _ = try await text(3..<3) }
        await assertStorageError("negative range", isRangeNotSatisfiable) { _ = try await text(-1..<3) }
        await assertStorageError("range of a missing object", isNotFound) {
            _ = try await storage.read(key: k("r/missing"), range: 0..<4)
        }
    }

    func listAndDeletePrefix() async throws {
        for name in ["v/a/1", "v/a/2", "v/a/b/3", "v/ab/4", "v/b/5"] {
            try await storage.put(key: k(name), data: Data(name.utf8))
        }
        let underA = try await storage.list(prefix: k("v/a/"))
        XCTAssertEqual(underA, [k("v/a/1"), k("v/a/2"), k("v/a/b/3")])
        let stringPrefix = try await storage.list(prefix: k("v/a"))
        XCTAssertEqual(stringPrefix, [k("v/a/1"), k("v/a/2"), k("v/a/b/3"), k("v/ab/4")])
        let all = try await storage.list(prefix: prefix)
        XCTAssertEqual(all.count, 5)
        let none = try await storage.list(prefix: k("zzz/"))
        XCTAssertEqual(none, [])

        await assertStorageError("folder prefix without a slash", isInvalidKey) { try await storage.delete(prefix: k("v/a")) }
        await assertStorageError("empty folder prefix", isInvalidKey) { try await storage.delete(prefix: "") }
        await assertStorageError("escaping folder prefix", isInvalidKey) { try await storage.delete(prefix: "../") }
        await assertStorageError("escaping list prefix", isInvalidKey) { _ = try await storage.list(prefix: "../") }

        try await storage.delete(prefix: k("v/a/"))
        let left = try await storage.list(prefix: k("v/"))
        XCTAssertEqual(left, [k("v/ab/4"), k("v/b/5")])
        try await storage.delete(prefix: k("v/nothing-here/"))  // absent: not an error
        try await storage.delete(prefix: k("v/b/5/"))  // names an object, but no key starts with it
        let kept = try await storage.size(key: k("v/b/5"))
        XCTAssertEqual(kept, 5)
        try await storage.delete(prefix: prefix)
        let empty = try await storage.list(prefix: prefix)
        XCTAssertEqual(empty, [])
    }

    func writerPublishesOnFinish() async throws {
        let key = k("w/upload.bin")
        try await storage.put(key: key, data: Data("old".utf8))
        let writer = try storage.makeWriter(key: key)
        try writer.append(Data("new ".utf8))
        try writer.append(Data("content".utf8))
        XCTAssertEqual(writer.bytesWritten, 11)
        // Readers still see the old object, never part of the new one.
        let before = try await storage.get(key: key)
        XCTAssertEqual(String(decoding: before, as: UTF8.self), "old")
        try await writer.finishAsync()
        let after = try await storage.get(key: key)
        XCTAssertEqual(String(decoding: after, as: UTF8.self), "new content")
        await assertStorageError("append after finish", { if case .writerClosed = $0 { return true }; return false }) {
            try writer.append(Data("more".utf8))
        }
        await assertStorageError("finish twice", { if case .writerClosed = $0 { return true }; return false }) {
            try writer.finish()
        }
        writer.abort()  // after finish: does nothing
        let stillThere = try await storage.size(key: key)
        XCTAssertEqual(stillThere, 11)
    }

    func writerAbortLeavesNothing() async throws {
        let key = k("w/aborted.bin")
        let writer = try storage.makeWriter(key: key)
        let chunk = Data(repeating: 7, count: 1 << 20)
        for _ in 0..<3 { try writer.append(chunk) }
        writer.abort()
        writer.abort()
        let size = try await storage.size(key: key)
        XCTAssertNil(size)
        let listed = try await storage.list(prefix: prefix)
        XCTAssertEqual(listed, [])
        await assertStorageError("append after abort", { if case .writerClosed = $0 { return true }; return false }) {
            try writer.append(chunk)
        }

        // Dropped without finish: aborts itself.
        do {
            let dropped = try storage.makeWriter(key: k("w/dropped.bin"))
            try dropped.append(chunk)
        }
        let droppedSize = try await storage.size(key: k("w/dropped.bin"))
        XCTAssertNil(droppedSize)
    }

    /// 64 MiB in 64 KiB chunks through one reused buffer: peak memory must
    /// not grow anywhere near the object's size.
    func streamed64MiBWrite() async throws {
        let key = k("big/64mib.bin")
        let chunks = 1024
        let total = Int64(chunks * ChunkPattern.chunkSize)
        let pattern = ChunkPattern()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ChunkPattern.chunkSize, alignment: 16)
        defer { buffer.deallocate() }

        let canReset = PeakMemory.reset()
        let before = try XCTUnwrap(PeakMemory.current(), "no VmHWM in /proc/self/status")
        let writer = try storage.makeWriter(key: key)
        for index in 0..<chunks {
            pattern.fill(chunk: index, into: buffer)
            try writer.append(UnsafeRawBufferPointer(buffer))
        }
        try await writer.finishAsync()
        let after = try XCTUnwrap(PeakMemory.current())
        let growth = after - before
        print("\(type(of: storage)): peak RSS grew by \(growth >> 10) KiB writing \(total >> 20) MiB (VmHWM reset: \(canReset))")
        XCTAssertLessThan(growth, 24 << 20,
                          "peak RSS grew by \(growth >> 20) MiB while writing a \(total >> 20) MiB object (reset: \(canReset))")

        let size = try await storage.size(key: key)
        XCTAssertEqual(size, total)
        let step = Int64(ChunkPattern.chunkSize)
        for range: Range<Int64> in [0..<100, step - 4..<step + 12, 37 * step + 5..<37 * step + 70_000,
                                    (8 << 20) - 3..<(8 << 20) + 3, total - 10..<total] {
            let read = try await storage.read(key: key, range: range)
            XCTAssertTrue(read == pattern.expected(range), "bytes \(range) differ")
        }
        try await storage.delete(key: key)
    }

    static let badKeys: [String] = [
        "../x", "/abs", "a/../../b", "a/./b", "..", ".", "", "a//b", "a/", ".hidden", "a/.tmp/x",
        "a\u{0}b", "a\\b", "a b", "a\nb", "vidéo", "a?b", "a#b", "a%2e",
        String(repeating: "a", count: 1025), String(repeating: "a", count: 256),
    ]

    func keyValidation() async throws {
        for key in Self.badKeys {
            let shown = key.debugDescription.prefix(40)
            await assertStorageError("put \(shown)", isInvalidKey) { try await storage.put(key: key, data: Data("x".utf8)) }
            await assertStorageError("get \(shown)", isInvalidKey) { _ = try await storage.get(key: key) }
            await assertStorageError("read \(shown)", isInvalidKey) { _ = try await storage.read(key: key, range: 0..<1) }
            await assertStorageError("size \(shown)", isInvalidKey) { _ = try await storage.size(key: key) }
            await assertStorageError("delete \(shown)", isInvalidKey) { try await storage.delete(key: key) }
            await assertStorageError("writer \(shown)", isInvalidKey) { _ = try storage.makeWriter(key: key) }
            await assertStorageError("presign \(shown)", isInvalidKey) { _ = try storage.presignedURL(for: key, expires: .seconds(60)) }
            XCTAssertNil(storage.localPath(for: key), "localPath \(shown)")
        }
        let good = k("videos/123e4567-e89b-12d3-a456-426614174000/hls/720p/seg-00001.m4s")
        try await storage.put(key: good, data: Data("segment".utf8))
        let listed = try await storage.list(prefix: prefix)
        XCTAssertEqual(listed, [good])
        XCTAssertNoThrow(try StorageKey.validate(String(repeating: "a", count: 255)))
    }

    func concurrentRequests() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask {
                    let key = k("c/\(index)")
                    let data = Data(repeating: UInt8(index), count: 1000 + index)
                    try await storage.put(key: key, data: data)
                    let read = try await storage.get(key: key)
                    XCTAssertEqual(read, data)
                }
            }
            try await group.waitForAll()
        }
        let listed = try await storage.list(prefix: k("c/"))
        XCTAssertEqual(listed.count, 24)
    }
}
