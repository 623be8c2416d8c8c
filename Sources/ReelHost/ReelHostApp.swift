import Foundation
import Logging

/// The host process: owns the plugin registry, the bus, the plugin manager
/// and the HTTP server, and starts and stops them in order.
public final class ReelHostApp: Sendable {
    public let config: HostConfig
    let registry: PluginRegistry
    let bus: Bus
    public let plugins: PluginManager
    let server: HTTPServer
    private let logger = Logger(label: "reel.host")

    public init(config: HostConfig, databasePing: (@Sendable () async -> Bool)? = nil) {
        self.config = config
        registry = PluginRegistry()
        bus = Bus(registry: registry, callTimeoutSeconds: Double(config.environment["REEL_CALL_TIMEOUT_SECONDS"] ?? "") ?? 30)
        plugins = PluginManager(config: config, registry: registry, bus: bus)
        // The guard verifies tokens with the keys of whichever auth plugin is loaded.
        let authGuard = JWTGuard()
        let keyLoader = SigningKeyLoader(bus: bus, guardian: authGuard)
        authGuard.refreshKeys = { keyLoader.load() }
        let revocationLoader = RevocationLoader(bus: bus, table: authGuard.revocations)
        plugins.onInstalled = { keyLoader.generationInstalled($0); revocationLoader.generationInstalled($0) }
        let gateway = Gateway(
            registry: registry, bus: bus, authGuard: authGuard,
            health: HealthHandler(registry: registry, databasePing: databasePing),
            admin: AdminHandler(manager: plugins, pluginsDir: config.pluginsDir),
            maxBodyBytes: config.maxBodyBytes)
        server = HTTPServer(handler: gateway, limits: .init(
            maxBodyBytes: config.maxBodyBytes, threads: config.httpThreads,
            connectionLimit: config.connectionLimit, connectionTimeoutSeconds: config.connectionTimeoutSeconds,
            perConnectionMemoryBytes: config.perConnectionMemoryBytes,
            connectionsPerAddress: config.connectionsPerAddress, headerTimeoutSeconds: config.headerTimeoutSeconds))
    }

    /// Loads the plugins, starts watching their folder, then opens the port.
    public func start() throws {
        try FileManager.default.createDirectory(atPath: config.pluginsDir, withIntermediateDirectories: true)
        let outcomes = plugins.scan()
        logger.info("plugins scanned", metadata: [
            "dir": "\(config.pluginsDir)",
            "loaded": "\(registry.all.map { "\($0.name) \($0.version)" })",
            "refused": "\(outcomes.filter { if case .refused = $0 { true } else { false } }.count)",
        ])
        plugins.startWatching(interval: config.pluginWatchIntervalSeconds)
        try server.start(host: config.httpHost, port: config.httpPort)
    }

    public var port: UInt16 { server.port }

    /// Graceful stop: no new connections, in-flight requests drain, then every
    /// plugin generation is shut down.
    public func stop() {
        logger.info("stopping", metadata: ["inFlight": "\(server.inFlightCount)"])
        plugins.stopWatching()
        server.stop(grace: config.shutdownGraceSeconds)
        let group = DispatchGroup()
        for generation in registry.all {
            group.enter()
            generation.drain { _ in group.leave() }
        }
        if group.wait(timeout: .now() + config.shutdownGraceSeconds) == .timedOut {
            logger.warning("some plugins did not finish shutting down in time")
        }
        logger.info("stopped")
    }
}
