import ReelConcurrency
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What both writers share: an open descriptor being appended to, how many
/// bytes it holds, and the one-way trip from open to finished or aborted,
/// all under one lock. The writers differ only in how they publish the file
/// and what they clean up when it is dropped.
final class SpoolFile: Sendable {
    private enum State: Sendable {
        case open(fd: Int32, written: Int64)
        case finished(written: Int64)
        case aborted(written: Int64)
    }

    private let key: String
    private let state: LockedBox<State>
    /// Runs after the descriptor is closed when the file is dropped unpublished.
    private let discard: @Sendable () -> Void

    init(fd: Int32, key: String, discard: @escaping @Sendable () -> Void = {}) {
        self.key = key
        self.discard = discard
        state = LockedBox(.open(fd: fd, written: 0))
    }

    var bytesWritten: Int64 {
        state.withLock { state in
            switch state {
            case let .open(_, written), let .finished(written), let .aborted(written): return written
            }
        }
    }

    /// Writes all of `bytes`; a failed write drops the whole file.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            guard case let .open(fd, written) = state else { throw StorageError.writerClosed(key: key) }
            do {
                try LocalFileSystem.writeAll(fd, bytes, key: key)
            } catch {
                close(fd)
                discard()
                state = .aborted(written: written)
                throw error
            }
            state = .open(fd: fd, written: written + Int64(bytes.count))
        }
    }

    /// Hands the descriptor and its size to `publish`, which owns the
    /// descriptor from then on (it closes it, whether it succeeds or not).
    func finish(_ publish: (Int32, Int64) throws -> Void) throws {
        try state.withLock { state in
            guard case let .open(fd, written) = state else { throw StorageError.writerClosed(key: key) }
            state = .aborted(written: written)
            try publish(fd, written)
            state = .finished(written: written)
        }
    }

    /// Drops the file if it is still open; a no-op after finish or abort.
    func abort() {
        state.withLock { state in
            guard case let .open(fd, written) = state else { return }
            close(fd)
            discard()
            state = .aborted(written: written)
        }
    }
}
