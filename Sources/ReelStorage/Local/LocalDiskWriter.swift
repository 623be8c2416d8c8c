import ReelConcurrency
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Appends go straight to a temporary file in `<root>/.tmp`; `finish`
/// fsyncs it and renames it into place (`LocalDiskStorage.publish`).
final class LocalDiskWriter: ObjectWriter {
    private enum State: Sendable {
        case open(fd: Int32, written: Int64)
        case finished(written: Int64)
        case aborted(written: Int64)
    }

    let key: String
    private let storage: LocalDiskStorage
    private let temporaryName: String
    private let state: LockedBox<State>

    init(storage: LocalDiskStorage, key: String, fd: Int32, temporaryName: String) {
        self.storage = storage
        self.key = key
        self.temporaryName = temporaryName
        state = LockedBox(.open(fd: fd, written: 0))
    }

    deinit {
        abort()
    }

    var bytesWritten: Int64 {
        state.withLock { state in
            switch state {
            case let .open(_, written), let .finished(written), let .aborted(written): return written
            }
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            guard case let .open(fd, written) = state else { throw StorageError.writerClosed(key: key) }
            do {
                try LocalFileSystem.writeAll(fd, bytes, key: key)
            } catch {
                close(fd)
                storage.discardTemporaryFile(temporaryName)
                state = .aborted(written: written)
                throw error
            }
            state = .open(fd: fd, written: written + Int64(bytes.count))
        }
    }

    func finish() throws {
        try state.withLock { state in
            guard case let .open(fd, written) = state else { throw StorageError.writerClosed(key: key) }
            // publish() removes the temporary file itself if it fails.
            state = .aborted(written: written)
            try storage.publish(key: key, fd: fd, temporaryName: temporaryName)
            state = .finished(written: written)
        }
    }

    func abort() {
        state.withLock { state in
            guard case let .open(fd, written) = state else { return }
            close(fd)
            storage.discardTemporaryFile(temporaryName)
            state = .aborted(written: written)
        }
    }

    func finishAsync() async throws {
        try await storage.threads.run { [self] in try finish() }
    }
}
