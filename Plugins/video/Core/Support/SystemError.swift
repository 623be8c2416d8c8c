import Foundation

/// A failed system call and its errno, read when this is made.
struct SystemError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32

    init(_ operation: String) {
        self.operation = operation
        code = errno
    }

    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}
