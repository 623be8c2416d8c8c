import Foundation
import ReelMedia
import ReelStorage

/// How the runner classifies and words an attempt's failure.
extension JobRunner {
    /// A failure no retry can fix (an unreadable source, a missing file).
    static func isPermanent(_ error: any Error) -> Bool {
        if let error = error as? TranscodeError { return error.isPermanent }
        if case StorageError.notFound = error { return true }
        return false
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? TranscodeError { return error.description }
        if let error = error as? StorageError { return "storage: \(error)" }
        return "\(error)"
    }
}
