import CCurl
import Foundation

/// Sends through an SMTP server with libcurl. The URL is `smtp://host:port`
/// (plain), `smtps://host:port` (TLS from the start) or
/// `smtp+starttls://host:port` (plain, then STARTTLS, which must succeed).
struct SMTPTransport: MailTransport {
    let url: String
    let requireStartTLS: Bool
    let from: String
    let username: String?
    let password: String?
    let timeoutSeconds: Int

    init(url: String, from: String, username: String?, password: String?, timeoutSeconds: Int = 30) {
        if url.hasPrefix("smtp+starttls://") {
            self.url = "smtp://" + url.dropFirst("smtp+starttls://".count)
            requireStartTLS = true
        } else {
            self.url = url
            requireStartTLS = false
        }
        self.from = from
        self.username = username
        self.password = password
        self.timeoutSeconds = timeoutSeconds
    }

    var summary: String { "sent through \(url)\(requireStartTLS ? " with STARTTLS" : "")" }

    /// The envelope sender: the address inside "Name <address>".
    static func address(_ text: String) -> String {
        guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else { return text }
        return String(text[text.index(after: open)..<close])
    }

    func send(_ message: MailMessage, key: String) throws {
        _ = SMTPTransport.globalInit
        guard let curl = curl_easy_init() else { throw MailError(description: "curl_easy_init failed") }
        defer { curl_easy_cleanup(curl) }
        let body = ReadState(bytes: message.rendered())
        let recipients = curl_slist_append(nil, "<\(Self.address(message.to))>")
        defer { curl_slist_free_all(recipients) }
        _ = reel_curl_set_string(curl, CURLOPT_URL, url)
        _ = reel_curl_set_string(curl, CURLOPT_MAIL_FROM, "<\(Self.address(from))>")
        _ = reel_curl_set_list(curl, CURLOPT_MAIL_RCPT, recipients)
        if requireStartTLS { _ = reel_curl_set_long(curl, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        if let username { _ = reel_curl_set_string(curl, CURLOPT_USERNAME, username) }
        if let password { _ = reel_curl_set_string(curl, CURLOPT_PASSWORD, password) }
        _ = reel_curl_set_long(curl, CURLOPT_UPLOAD, 1)
        _ = reel_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        _ = reel_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT, 10)
        _ = reel_curl_set_long(curl, CURLOPT_TIMEOUT, timeoutSeconds)
        let context = Unmanaged.passUnretained(body).toOpaque()
        _ = reel_curl_set_read(curl, { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let state = Unmanaged<ReadState>.fromOpaque(context).takeUnretainedValue()
            let n = min(size * count, state.bytes.count - state.offset)
            state.bytes.withUnsafeBytes { raw in
                if n > 0, let base = raw.baseAddress { memcpy(buffer, base + state.offset, n) }
            }
            state.offset += n
            return n
        }, context)
        let code = withExtendedLifetime(body) { curl_easy_perform(curl) }
        guard code == CURLE_OK else {
            throw MailError(description: "SMTP to \(url) failed: \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private static let globalInit: Void = { _ = reel_curl_global_init() }()

    /// The message being read by libcurl (one transfer, one thread).
    private final class ReadState {
        let bytes: [UInt8]
        var offset = 0
        init(bytes: [UInt8]) { self.bytes = bytes }
    }
}
