import Foundation

/// What a signed-in session keeps: the token pair and who it belongs to.
public struct Credentials: Codable, Sendable, Equatable {
    public var accessToken: String
    public var refreshToken: String
    /// When the access token stops being accepted (from the server's expires_in).
    public var accessExpiresAt: Date
    public var userID: String
    public var email: String

    public init(accessToken: String, refreshToken: String, accessExpiresAt: Date, userID: String, email: String) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.accessExpiresAt = accessExpiresAt
        self.userID = userID
        self.email = email
    }

    init(_ pair: Reel_Auth_V1_TokenPair, now: Date = Date()) {
        self.init(accessToken: pair.accessToken, refreshToken: pair.refreshToken,
                  accessExpiresAt: now.addingTimeInterval(TimeInterval(pair.expiresIn)),
                  userID: pair.user.id, email: pair.user.email)
    }
}

/// Where a session keeps its credentials between launches: the Keychain in
/// an app, a 0600 file for the command-line client, memory in tests.
/// `save(nil)` forgets them (sign-out, or a refresh token the server refused).
public protocol CredentialStore: Sendable {
    func load() -> Credentials?
    func save(_ credentials: Credentials?)
}

/// Credentials kept in memory only.
public final class MemoryCredentialStore: CredentialStore, @unchecked Sendable {
    // @unchecked: the one stored value is only read and written under `lock`.
    private let lock = NSLock()
    private var value: Credentials?

    public init(_ credentials: Credentials? = nil) { value = credentials }
    public func load() -> Credentials? { lock.withLock { value } }
    public func save(_ credentials: Credentials?) { lock.withLock { value = credentials } }
}

/// Credentials in a JSON file readable by its owner only (0600), e.g.
/// `~/.config/reel/credentials.json`. The file is replaced atomically.
public struct FileCredentialStore: CredentialStore {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// `$XDG_CONFIG_HOME/reel/credentials.json`, or `~/.config/reel/credentials.json`.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            // NSHomeDirectory: the user's home on Linux and macOS, the app's container on iOS.
            base = URL(fileURLWithPath: NSHomeDirectory(), isDirectory: true).appendingPathComponent(".config", isDirectory: true)
        }
        return base.appendingPathComponent("reel", isDirectory: true).appendingPathComponent("credentials.json")
    }

    public func load() -> Credentials? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Credentials.self, from: data)
    }

    public func save(_ credentials: Credentials?) {
        let fm = FileManager.default
        guard let credentials else {
            try? fm.removeItem(at: url)
            return
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(credentials) else { return }
        let dir = url.deletingLastPathComponent()
        try? fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Written under a temporary name created 0600, then renamed over the old file:
        // the secret is never readable by others, not even for a moment.
        let temp = dir.appendingPathComponent(".credentials.\(UUID().uuidString).tmp")
        guard fm.createFile(atPath: temp.path, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temp.path, url.path) != 0 { try? fm.removeItem(at: temp) }
    }
}
