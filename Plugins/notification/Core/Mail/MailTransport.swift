/// Where emails go: an SMTP server (`SMTPTransport`) or, without one, files
/// in a folder (`FolderTransport`). `send` blocks; it runs on the mail thread.
protocol MailTransport: Sendable {
    /// Throws when the message was not accepted (it is retried later).
    func send(_ message: MailMessage, key: String) throws
    var summary: String { get }
}

struct MailError: Error, CustomStringConvertible {
    let description: String
}
