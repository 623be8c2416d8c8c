import Foundation
import ReelStorage

/// Gets the original upload to a local path libav can open: on local disk
/// the stored file itself, from remote storage a download in bounded chunks
/// (never the whole file in memory).
enum SourceFetcher {
    static let chunkBytes: Int64 = 16 << 20

    static func localCopy(of key: String, from storage: any ObjectStorage, to path: String) async throws -> String {
        if let local = storage.localPath(for: key) {
            guard FileManager.default.fileExists(atPath: local) else { throw StorageError.notFound(key: key) }
            return local
        }
        guard let size = try await storage.size(key: key) else { throw StorageError.notFound(key: key) }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var offset: Int64 = 0
        while offset < size {
            try Task.checkCancellation()
            let chunk = try await storage.read(key: key, range: offset..<min(offset + chunkBytes, size))
            guard !chunk.isEmpty else { break }
            try handle.write(contentsOf: chunk)
            offset += Int64(chunk.count)
        }
        return path
    }
}
