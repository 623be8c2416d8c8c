import Foundation

/// The host's configuration, read once from the environment at start.
/// Every knob has a default so `reel serve` works with nothing set.
public struct HostConfig: Sendable {
    public var httpHost: String
    public var httpPort: UInt16
    public var dataDir: String
    public var pluginsDir: String
    public var databaseURL: String?
    /// Only plugins with these names are loaded (worker mode); nil loads all.
    public var pluginFilter: Set<String>?
    public var maxBodyBytes: Int
    public var httpThreads: Int
    public var connectionLimit: Int
    public var connectionTimeoutSeconds: Int
    public var perConnectionMemoryBytes: Int
    public var shutdownGraceSeconds: Double
    /// How often the plugins folder is polled for new versions; 0 disables.
    public var pluginWatchIntervalSeconds: Double
    /// Everything the environment had, for plugins' `config_get`.
    public var environment: [String: String]

    public init(environment env: [String: String] = ProcessInfo.processInfo.environment) {
        func int(_ key: String, _ fallback: Int) -> Int { env[key].flatMap { Int($0) } ?? fallback }
        func double(_ key: String, _ fallback: Double) -> Double { env[key].flatMap { Double($0) } ?? fallback }
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd)).standardizedFileURL.path
        }
        httpHost = env["REEL_HTTP_HOST"] ?? "127.0.0.1"
        httpPort = env["REEL_HTTP_PORT"].flatMap { UInt16($0) } ?? 8080
        dataDir = absolute(env["REEL_DATA_DIR"] ?? "./.reel")
        pluginsDir = absolute(env["REEL_PLUGINS_DIR"] ?? (dataDir + "/plugins"))
        databaseURL = env["REEL_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        pluginFilter = env["REEL_PLUGINS"].flatMap { list in
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return names.isEmpty ? nil : Set(names)
        }
        maxBodyBytes = int("REEL_MAX_BODY_BYTES", 1 << 20)
        httpThreads = int("REEL_HTTP_THREADS", max(2, ProcessInfo.processInfo.activeProcessorCount * 2))
        connectionLimit = int("REEL_CONNECTION_LIMIT", 1024)
        connectionTimeoutSeconds = int("REEL_CONNECTION_TIMEOUT_SECONDS", 30)
        perConnectionMemoryBytes = int("REEL_CONNECTION_MEMORY_BYTES", 64 * 1024)
        shutdownGraceSeconds = double("REEL_SHUTDOWN_GRACE_SECONDS", 15)
        pluginWatchIntervalSeconds = double("REEL_PLUGIN_WATCH_SECONDS", 1)
        environment = env
        environment["REEL_DATA_DIR"] = dataDir
        environment["REEL_PLUGINS_DIR"] = pluginsDir
        environment["REEL_HTTP_PORT"] = String(httpPort)
    }
}
