import Foundation
import ReelStorage
#if canImport(Glibc)
import Glibc
#endif

extension MediaDelivery {
    /// Local disk: open (no symbolic links anywhere under the storage root,
    /// regular files only), fstat for the validators, and hand the
    /// descriptor to the host for sendfile. Runs on the caller's thread.
    func deliverLocal(_ storage: LocalDiskStorage, _ file: MediaFile, _ reply: MediaReply, grant: MediaCachePolicy.Grant) {
        let fd: Int32
        let info: stat
        do {
            // Opened with its fstat (the validators below), one call fewer per request.
            (fd, info) = try storage.openFileForReading(key: file.key)
        } catch StorageError.notFound, StorageError.symlinkRejected, StorageError.invalidKey {
            return reply.error(.notFound, "no such media file")
        } catch {
            host.log(.error, "media file \(file.key) could not be opened (request \(reply.requestId)): \(error)")
            return reply.error(.internal, "the media file could not be read")
        }
        let size = Int64(info.st_size)
        let validators = Validators(size: size, modifiedNanos: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                                    inode: UInt64(info.st_ino))
        // Small files (playlists, manifests) are read and leave with their
        // headers in one write; the rest goes out with sendfile.
        var contents: [UInt8]?
        if size <= Self.inlineBytes {
            contents = Self.readAll(fd, size: Int(size))
            close(fd)
            guard contents != nil else { return reply.error(.internal, "the media file could not be read") }
        }
        let growing = file.kind == .mediaPlaylist && !(contents.map { Self.endsList($0) } ?? Self.endsList(fd, size: size))
        var headers = headers(file, validators, growing: growing, grant: grant)
        let answer = Self.answer(for: reply.head, size: size, validators: validators)
        if case .partial(let offset, let length) = answer {
            headers.append(("Content-Range", "bytes \(offset)-\(offset + length - 1)/\(size)"))
        }
        switch answer {
        case .notModified:
            if contents == nil { close(fd) }
            reply.responder.reply(status: 304, headers: headers + [("Content-Length", String(size))])
        case .full:
            if let contents { return reply.responder.reply(status: 200, headers: headers, body: contents) }
            reply.responder.replyFile(status: 200, headers: headers, fd: fd, offset: 0, length: UInt64(size))
        case .partial(let offset, let length):
            if let contents {
                return reply.responder.reply(status: 206, headers: headers, body: Array(contents[Int(offset)..<Int(offset + length)]))
            }
            reply.responder.replyFile(status: 206, headers: headers, fd: fd, offset: UInt64(offset), length: UInt64(length))
        case .unsatisfiable:
            if contents == nil { close(fd) }
            reply.error(.rangeNotSatisfiable, "the requested range is not satisfiable (the file has \(size) bytes)",
                        [("Content-Range", "bytes */\(size)"), ("Accept-Ranges", "bytes")])
        }
    }

    /// Files up to this size are answered from memory.
    static let inlineBytes: Int64 = 16 * 1024

    /// The whole of a small file; nil if it could not be read in full.
    static func readAll(_ fd: Int32, size: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, size - filled, off_t(filled)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            filled += got
        }
        return bytes
    }

    /// Whether a media playlist is finished: `#EXT-X-ENDLIST` near its end.
    static func endsList(_ fd: Int32, size: Int64) -> Bool {
        let tail = 64
        let start = max(0, size - Int64(tail))
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: tail) { buffer in
            let count = pread(fd, buffer.baseAddress, Int(size - start), off_t(start))
            guard count > 0 else { return false }
            return endsList(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    static func endsList<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        if let found = bytes.withContiguousStorageIfAvailable({ endsList(tail: $0) }) { return found }
        return Array(bytes.suffix(64)).withUnsafeBufferPointer { endsList(tail: $0) }
    }

    private static let endListMarker = Array("#EXT-X-ENDLIST".utf8)

    /// The marker within the last 64 bytes, compared in place (no copies:
    /// every playlist answer asks).
    private static func endsList(tail bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let marker = endListMarker
        let from = max(0, bytes.count - 64)
        guard bytes.count - from >= marker.count, let base = bytes.baseAddress else { return false }
        return marker.withUnsafeBufferPointer { marker in
            guard let wanted = marker.baseAddress else { return false }
            for start in from...(bytes.count - marker.count) where memcmp(base + start, wanted, marker.count) == 0 {
                return true
            }
            return false
        }
    }
}
