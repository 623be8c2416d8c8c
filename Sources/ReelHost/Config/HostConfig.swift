import Foundation
import Logging

/// The host's configuration, read once from the environment at start.
/// Every knob has a default so `reel serve` works with nothing set; a value
/// that is set but unusable (a port that is not a number, a negative size)
/// is refused with a `HostConfigError` naming the variable.
public struct HostConfig: Sendable {
    public var httpHost: String
    public var httpPort: UInt16
    /// The operator listener (`/admin/...`): loopback only, never the public
    /// port. nil when `REEL_ADMIN_ADDR=off`.
    public var adminAddress: ListenAddress?
    /// The metrics listener (`GET /metrics`, Prometheus text format): loopback
    /// unless configured otherwise. nil when `REEL_METRICS_ADDR=off`.
    public var metricsAddress: ListenAddress?
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
    public var callTimeoutSeconds: Double
    /// How often the plugins folder is polled for new versions; 0 disables.
    public var pluginWatchIntervalSeconds: Double
    /// What each plugin may read with `config_get` (see ConfigScope).
    public var configGrants: ConfigGrants
    /// Everything the environment had, for plugins' `config_get` (scoped).
    public var environment: [String: String]

    /// The admin listener's port when `REEL_ADMIN_ADDR` is not set: the
    /// HTTP port + 1000 (8080 -> 9080), so instances side by side differ.
    public static let adminPortOffset = 1000
    /// The metrics listener's port when `REEL_METRICS_ADDR` is not set: the
    /// HTTP port + 1384, so the default instance (8080) exposes 9464, the
    /// OpenTelemetry Prometheus exporter's port, and instances side by side differ.
    public static let metricsPortOffset = 1384

    /// Reads the environment; throws on a value that is set but unusable.
    public init(environment env: [String: String] = ProcessInfo.processInfo.environment) throws(HostConfigError) {
        let reader = ConfigReader(env)
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd)).standardizedFileURL.path
        }
        httpHost = env["REEL_HTTP_HOST"] ?? "127.0.0.1"
        guard ListenAddress.isIPv4(httpHost) else {
            throw HostConfigError(variable: "REEL_HTTP_HOST", value: httpHost, expected: "an IPv4 address, e.g. 127.0.0.1 or 0.0.0.0")
        }
        httpPort = try reader.port("REEL_HTTP_PORT", 8080)
        adminAddress = try Self.admin(env["REEL_ADMIN_ADDR"], httpPort: httpPort)
        metricsAddress = try Self.metrics(env["REEL_METRICS_ADDR"], httpPort: httpPort)
        dataDir = absolute(env["REEL_DATA_DIR"] ?? "./.reel")
        pluginsDir = absolute(env["REEL_PLUGINS_DIR"] ?? (dataDir + "/plugins"))
        databaseURL = env["REEL_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        pluginFilter = env["REEL_PLUGINS"].flatMap { list in
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return names.isEmpty ? nil : Set(names)
        }
        maxBodyBytes = try reader.int("REEL_MAX_BODY_BYTES", 1 << 20, min: 1)
        // One I/O thread per core (as nginx's `worker_processes auto`): with
        // two per core each one is preempted mid-round more often, and the
        // connections it holds wait meanwhile (p90 and p99 up at 256
        // connections, tools/bench stream). At least 2: a thread blocked on
        // a disk read does not stop every connection.
        httpThreads = try reader.int("REEL_HTTP_THREADS", max(2, ProcessInfo.processInfo.activeProcessorCount),
                                     min: 1, max: 1024)
        connectionLimit = try reader.int("REEL_CONNECTION_LIMIT", 1024, min: 1)
        connectionTimeoutSeconds = try reader.int("REEL_CONNECTION_TIMEOUT_SECONDS", 30, min: 1)
        // libmicrohttpd zeroes a connection's whole pool after every request
        // (and an idle keep-alive connection keeps all of it resident): 32 KiB,
        // libmicrohttpd's own default, holds any sane request head.
        perConnectionMemoryBytes = try reader.int("REEL_CONNECTION_MEMORY_BYTES", 32 * 1024, min: 4096)
        shutdownGraceSeconds = try reader.seconds("REEL_SHUTDOWN_GRACE_SECONDS", 15)
        callTimeoutSeconds = try reader.seconds("REEL_CALL_TIMEOUT_SECONDS", 30, min: 0.001)
        pluginWatchIntervalSeconds = try reader.seconds("REEL_PLUGIN_WATCH_SECONDS", 1)
        if let level = env["REEL_LOG_LEVEL"], Logger.Level(rawValue: level) == nil {
            throw HostConfigError(variable: "REEL_LOG_LEVEL", value: level,
                                  expected: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
        do throws(ConfigGrants.ParseError) {
            configGrants = try ConfigGrants(parsing: env["REEL_CONFIG_GRANTS"] ?? "")
        } catch {
            throw HostConfigError(variable: "REEL_CONFIG_GRANTS", value: env["REEL_CONFIG_GRANTS"] ?? "",
                                  expected: "entries like 'video:REEL_S3_ACCESS_KEY,REEL_S3_SECRET_KEY' separated by spaces or ';' (\(error.reason))")
        }
        environment = env
        environment["REEL_DATA_DIR"] = dataDir
        environment["REEL_PLUGINS_DIR"] = pluginsDir
        environment["REEL_HTTP_PORT"] = String(httpPort)
    }

    /// The admin address a host started with `env` listens on (for `reel plugin`).
    public static func adminAddress(environment env: [String: String]) throws(HostConfigError) -> ListenAddress? {
        try admin(env["REEL_ADMIN_ADDR"], httpPort: try ConfigReader(env).port("REEL_HTTP_PORT", 8080))
    }

    /// `REEL_ADMIN_ADDR`: "HOST:PORT" on a loopback address, or "off".
    static func admin(_ value: String?, httpPort: UInt16) throws(HostConfigError) -> ListenAddress? {
        guard let value else {
            let port = httpPort == 0 ? 0 : Int(httpPort) + adminPortOffset
            guard port <= Int(UInt16.max) else {
                throw HostConfigError(variable: "REEL_ADMIN_ADDR", value: "(unset)",
                                      expected: "an explicit 127.0.0.1:PORT: REEL_HTTP_PORT + \(adminPortOffset) is not a port")
            }
            return ListenAddress(host: "127.0.0.1", port: UInt16(port))
        }
        if value == "off" { return nil }
        guard let address = ListenAddress(parsing: value), address.isLoopback else {
            throw HostConfigError(variable: "REEL_ADMIN_ADDR", value: value,
                                  expected: "a loopback address and port (127.0.0.1:9080), or off")
        }
        return address
    }
}

extension HostConfig {
    /// `REEL_METRICS_ADDR`: "HOST:PORT" (any IPv4 address, when an operator
    /// asks for it), or "off"; unset: 127.0.0.1, the HTTP port + 1384.
    static func metrics(_ value: String?, httpPort: UInt16) throws(HostConfigError) -> ListenAddress? {
        guard let value else {
            let port = httpPort == 0 ? 0 : Int(httpPort) + metricsPortOffset
            guard port <= Int(UInt16.max) else {
                throw HostConfigError(variable: "REEL_METRICS_ADDR", value: "(unset)",
                                      expected: "an explicit 127.0.0.1:PORT: REEL_HTTP_PORT + \(metricsPortOffset) is not a port")
            }
            return ListenAddress(host: "127.0.0.1", port: UInt16(port))
        }
        if value == "off" { return nil }
        guard let address = ListenAddress(parsing: value) else {
            throw HostConfigError(variable: "REEL_METRICS_ADDR", value: value,
                                  expected: "an IPv4 address and port (127.0.0.1:9464), or off")
        }
        return address
    }
}

/// A configuration value the host cannot use.
public struct HostConfigError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let value: String
    public let expected: String
    public var description: String { "\(variable)='\(value)' is not usable: expected \(expected)" }
}

/// An IPv4 address and a port to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// "127.0.0.1:9080".
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        let host = String(text[..<colon])
        guard Self.isIPv4(host) else { return nil }
        self.init(host: host, port: port)
    }

    public var isLoopback: Bool { host.hasPrefix("127.") }
    public var description: String { "\(host):\(port)" }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }
}

/// Reads numbers from the environment: the default when unset, an error
/// naming the variable when set to something unusable.
struct ConfigReader {
    let env: [String: String]
    init(_ env: [String: String]) { self.env = env }

    func int(_ key: String, _ fallback: Int, min: Int = 0, max: Int = Int.max) throws(HostConfigError) -> Int {
        guard let text = env[key] else { return fallback }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= min, value <= max else {
            throw HostConfigError(variable: key, value: text, expected: "a whole number from \(min) to \(max)")
        }
        return value
    }

    func port(_ key: String, _ fallback: UInt16) throws(HostConfigError) -> UInt16 {
        UInt16(try int(key, Int(fallback), min: 0, max: Int(UInt16.max)))
    }

    func seconds(_ key: String, _ fallback: Double, min: Double = 0) throws(HostConfigError) -> Double {
        guard let text = env[key] else { return fallback }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= min,
              value <= 86_400 * 365 else {
            throw HostConfigError(variable: key, value: text, expected: "a number of seconds, at least \(min)")
        }
        return value
    }
}
