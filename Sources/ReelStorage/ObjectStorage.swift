import Foundation

/// Where Reel keeps media: uploaded originals, HLS/DASH renditions,
/// thumbnails. Keys are relative paths (`videos/<uuid>/hls/720p/seg-00001.m4s`)
/// checked by `StorageKey`; a key never reaches outside the storage's root
/// (folder or bucket).
///
/// Implementations: `LocalDiskStorage` (a folder) and `S3Storage` (any
/// S3-compatible server). `StorageFactory.fromEnvironment` picks one from
/// configuration. Blocking work (file system calls, HTTP transfers) runs on
/// the storage's own threads, never on Swift's cooperative pool.
public protocol ObjectStorage: Sendable {
    /// Stores a copy of a local file (the caller keeps its file).
    func put(key: String, from fileURL: URL) async throws
    /// Stores a local file its owner has finished writing and will only
    /// remove (a completed upload): local disk on the same file system takes
    /// the file itself, a hard link renamed into place, no byte copied (the
    /// owner's later `unlink` of its name leaves the object); anywhere else
    /// it is `put(key:from:)`. The owner must not write to the file again.
    func put(key: String, adopting fileURL: URL) async throws
    /// Stores `data`.
    func put(key: String, data: Data) async throws
    /// A writer for an object that arrives in chunks (uploads). Nothing is
    /// visible at `key` until `finish()`; see `ObjectWriter`.
    func makeWriter(key: String) throws -> any ObjectWriter

    /// The whole object. Throws `StorageError.notFound` if absent.
    func get(key: String) async throws -> Data
    /// Bytes `range` of the object (the end is clamped to the object's size),
    /// or the whole object for `nil`. A range that is empty or starts at or
    /// after the end throws `StorageError.rangeNotSatisfiable`.
    func read(key: String, range: Range<Int64>?) async throws -> Data
    /// The object's size in bytes, or nil if there is no object at `key`.
    func size(key: String) async throws -> Int64?

    /// Removes the object; removing an absent object is not an error.
    func delete(key: String) async throws
    /// Removes every object under a folder prefix (must end with `/`,
    /// e.g. `videos/<uuid>/`).
    func delete(prefix: String) async throws
    /// Every key that starts with `prefix` (string prefix, as in S3; "" for
    /// all), sorted by byte order.
    func list(prefix: String) async throws -> [String]

    /// Local disk only: the file's path, for `sendfile`. Nil for invalid keys
    /// and for remote storage. The path is not checked for symbolic links:
    /// prefer `LocalDiskStorage.openForReading(key:)`, which is.
    func localPath(for key: String) -> String?
    /// S3 only: a URL that lets anyone GET the object until `expires` passes
    /// (1 second to 7 days). Nil for local disk. Throws for an invalid key.
    func presignedURL(for key: String, expires: Duration) throws -> URL?
}

/// An object written chunk by chunk. `append` is synchronous so that an HTTP
/// thread can hand over each chunk as it arrives; it never holds the whole
/// object in memory (local disk: a temporary file next to the objects; S3: a
/// spool file, uploaded by `finish`). One writer is used by one thread at a
/// time.
///
/// `finish()` publishes atomically: readers see the old object (or none)
/// until then, never part of the new one. `abort()` removes everything the
/// writer made; a writer dropped without `finish()` aborts itself.
public protocol ObjectWriter: AnyObject, Sendable {
    var key: String { get }
    /// Bytes appended so far.
    var bytesWritten: Int64 { get }
    /// Appends a chunk; the buffer is only read during the call.
    func append(_ bytes: UnsafeRawBufferPointer) throws
    /// Publishes the object. Blocks: on S3 it uploads the spooled data, so
    /// from an HTTP thread or async code prefer `finishAsync()`.
    func finish() throws
    /// Discards everything written; safe to call more than once, and after
    /// a failed `finish()`.
    func abort()
    /// `finish()` on one of the storage's own threads.
    func finishAsync() async throws
}

extension ObjectStorage {
    /// A copy, for storages with no cheaper way (S3 uploads the bytes anyway).
    public func put(key: String, adopting fileURL: URL) async throws {
        try await put(key: key, from: fileURL)
    }
}

extension ObjectWriter {
    public func append(_ data: Data) throws {
        try data.withUnsafeBytes { try append($0) }
    }
}

extension Duration {
    /// Whole seconds, rounded down.
    var wholeSeconds: Int64 { components.seconds }
}
