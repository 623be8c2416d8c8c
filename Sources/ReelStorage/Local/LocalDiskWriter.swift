/// Appends go straight to a temporary file in `<root>/.tmp`; `finish`
/// fsyncs it and renames it into place (`LocalDiskStorage.publish`).
final class LocalDiskWriter: ObjectWriter {
    let key: String
    private let storage: LocalDiskStorage
    private let temporaryName: String
    private let spool: SpoolFile

    init(storage: LocalDiskStorage, key: String, fd: Int32, temporaryName: String) {
        self.storage = storage
        self.key = key
        self.temporaryName = temporaryName
        spool = SpoolFile(fd: fd, key: key) { storage.discardTemporaryFile(temporaryName) }
    }

    deinit {
        abort()
    }

    var bytesWritten: Int64 { spool.bytesWritten }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try spool.append(bytes)
    }

    func finish() throws {
        // publish() closes the descriptor and removes the temporary file itself if it fails.
        try spool.finish { fd, _ in try storage.publish(key: key, fd: fd, temporaryName: temporaryName) }
    }

    func abort() {
        spool.abort()
    }

    func finishAsync() async throws {
        try await storage.threads.run { [self] in try finish() }
    }
}
