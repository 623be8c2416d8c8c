import Foundation
import ReelStorage
import XCTest

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// Asserts that `body` throws a `StorageError` matching `matches`.
func assertStorageError(
    _ what: String, file: StaticString = #filePath, line: UInt = #line,
    _ matches: (StorageError) -> Bool, _ body: () async throws -> Void
) async {
    do {
        try await body()
        XCTFail("\(what): expected a StorageError, nothing was thrown", file: file, line: line)
    } catch let error as StorageError {
        XCTAssertTrue(matches(error), "\(what): unexpected \(error)", file: file, line: line)
    } catch {
        XCTFail("\(what): expected a StorageError, got \(error)", file: file, line: line)
    }
}

func isInvalidKey(_ error: StorageError) -> Bool {
    if case .invalidKey = error { return true }
    return false
}

func isNotFound(_ error: StorageError) -> Bool {
    if case .notFound = error { return true }
    return false
}

func isSymlinkRejected(_ error: StorageError) -> Bool {
    if case .symlinkRejected = error { return true }
    return false
}

func isRangeNotSatisfiable(_ error: StorageError) -> Bool {
    if case .rangeNotSatisfiable = error { return true }
    return false
}

func randomHex(_ count: Int = 12) -> String {
    String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
}

/// Peak resident memory (VmHWM) of this process, in bytes.
enum PeakMemory {
    static func current() -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Int64($0) }
            return digits.map { $0 * 1024 }
        }
        return nil
    }

    /// Resets VmHWM to the current RSS (Linux ≥ 4.0: "5" > clear_refs).
    @discardableResult
    static func reset() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }
}

/// A large object's bytes without holding it: chunk `i` is `base` with its
/// first 8 bytes replaced by `i` (little-endian), so any offset's byte is known.
struct ChunkPattern {
    static let chunkSize = 64 << 10
    let base: [UInt8] = (0..<ChunkPattern.chunkSize).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }

    func fill(chunk index: Int, into buffer: UnsafeMutableRawBufferPointer) {
        base.withUnsafeBytes { buffer.copyMemory(from: $0) }
        withUnsafeBytes(of: UInt64(index).littleEndian) { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 8) }
    }

    func expected(_ range: Range<Int64>) -> Data {
        Data(range.map { offset -> UInt8 in
            let chunk = Int(offset) / Self.chunkSize, within = Int(offset) % Self.chunkSize
            if within < 8 { return UInt8(truncatingIfNeeded: UInt64(chunk) >> (8 * UInt64(within))) }
            return base[within]
        })
    }
}

/// Runs a command, returns its exit status and standard output.
func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
