import Foundation

/// Writes each email as `<key>.eml` into a folder (the embedded default when
/// no SMTP server is configured): written to a temporary name and renamed, so
/// a reader never sees half a message and a retry overwrites, never duplicates.
struct FolderTransport: MailTransport {
    let directory: String

    var summary: String { "written as .eml files to \(directory)" }

    func prepare() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func send(_ message: MailMessage, key: String) throws {
        let final = URL(fileURLWithPath: directory).appendingPathComponent("\(key).eml")
        let temporary = URL(fileURLWithPath: directory).appendingPathComponent(".\(key).eml.tmp")
        try Data(message.rendered()).write(to: temporary)
        if rename(temporary.path, final.path) != 0 {
            throw MailError(description: "renaming \(temporary.path) failed: errno \(errno)")
        }
    }
}
