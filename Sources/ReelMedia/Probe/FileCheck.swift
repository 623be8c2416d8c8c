import Foundation

/// Checks done before libav sees the file: it exists, is a regular file (a
/// FIFO or device would block reads forever) and is not empty.
enum FileCheck {
    /// The file's size in bytes.
    static func check(path: String) throws(MediaProbeError) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadable(String(cString: strerror(errno)).lowercased())
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable("it is not a regular file")
        }
        guard info.st_size > 0 else { throw .emptyFile }
        return Int64(info.st_size)
    }
}
