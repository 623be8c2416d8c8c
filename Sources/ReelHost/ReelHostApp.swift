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
    /// The operator's listener (REEL_ADMIN_ADDR), nil when turned off.
    let adminServer: HTTPServer?
    /// The metrics listener (REEL_METRICS_ADDR), nil when turned off.
    let metricsServer: HTTPServer?
    public let metrics = HostMetrics()
    private let logger = Logger(label: "reel.host")

    public init(config: HostConfig, databasePing: (@Sendable () async -> Bool)? = nil) {
        self.config = config
        registry = PluginRegistry()
        bus = Bus(registry: registry, callTimeoutSeconds: config.callTimeoutSeconds, metrics: metrics)
        plugins = PluginManager(config: config, registry: registry, bus: bus)
        // The guard verifies tokens with the keys of whichever auth plugin is loaded.
        let authGuard = JWTGuard()
        let keyLoader = SigningKeyLoader(bus: bus, guardian: authGuard)
        authGuard.refreshKeys = { keyLoader.load() }
        let revocationLoader = RevocationLoader(bus: bus, table: authGuard.revocations)
        let responseCache = ResponseCache(limits: config.responseCacheLimits)
        ResponseCachePurges.subscribe(responseCache, on: bus.hostSubscriptions)
        plugins.onInstalled = { [metrics] generation, replaced in
            responseCache.purgeAll() // another version may answer differently
            keyLoader.generationInstalled(generation)
            revocationLoader.generationInstalled(generation)
            metrics.pluginInstalled(name: generation.name, version: generation.version, generation: generation.number,
                                    sha256: generation.sha256, replaced: replaced)
        }
        let health = HealthHandler(registry: registry, databasePing: databasePing)
        let gateway = Gateway(registry: registry, bus: bus, authGuard: authGuard, health: health,
                              maxBodyBytes: config.maxBodyBytes)
        server = HTTPServer(handler: gateway, limits: .init(
            maxBodyBytes: config.maxBodyBytes, threads: config.httpThreads,
            connectionLimit: config.connectionLimit, connectionTimeoutSeconds: config.connectionTimeoutSeconds,
            perConnectionMemoryBytes: config.perConnectionMemoryBytes,
            connectionsPerAddress: config.connectionsPerAddress, headerTimeoutSeconds: config.headerTimeoutSeconds,
            trustedProxies: TrustedProxies(parsing: config.environment["REEL_TRUSTED_PROXIES"] ?? "")),
            metrics: metrics, responseCache: responseCache)
        let admin = AdminHandler(manager: plugins, pluginsDir: config.pluginsDir)
        adminServer = config.adminAddress.map { _ in
            HTTPServer(handler: AdminGateway(admin: admin, health: health),
                       limits: .init(maxBodyBytes: 64 * 1024, threads: 1, connectionLimit: 64,
                                     connectionTimeoutSeconds: config.connectionTimeoutSeconds,
                                     perConnectionMemoryBytes: config.perConnectionMemoryBytes),
                       role: "admin ")
        }
        metricsServer = config.metricsAddress.map { [metrics] _ in
            HTTPServer(handler: MetricsHandler(metrics: metrics),
                       limits: .init(maxBodyBytes: 4096, threads: 1, connectionLimit: 64,
                                     connectionTimeoutSeconds: config.connectionTimeoutSeconds,
                                     perConnectionMemoryBytes: config.perConnectionMemoryBytes),
                       role: "metrics ")
        }
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
        if let adminServer, let address = config.adminAddress {
            do {
                try adminServer.start(host: address.host, port: address.port)
            } catch {
                server.stop(grace: 0)
                throw error
            }
        }
        if let metricsServer, let address = config.metricsAddress {
            do {
                try metricsServer.start(host: address.host, port: address.port)
            } catch {
                adminServer?.stop(grace: 0)
                server.stop(grace: 0)
                throw error
            }
        }
    }

    public var port: UInt16 { server.port }
    /// The admin listener's port (nil when REEL_ADMIN_ADDR=off).
    public var adminPort: UInt16? { adminServer?.port }
    /// The metrics listener's port (nil when REEL_METRICS_ADDR=off).
    public var metricsPort: UInt16? { metricsServer?.port }

    /// Graceful stop: no new connections, in-flight requests drain, then every
    /// plugin generation is shut down.
    public func stop() {
        logger.info("stopping", metadata: ["inFlight": "\(server.inFlightCount)"])
        // One deadline for the whole stop: requests, then plugins.
        let deadline = Date().addingTimeInterval(config.shutdownGraceSeconds)
        plugins.stopWatching()
        server.beginStop()
        adminServer?.stop(deadline: min(deadline, Date().addingTimeInterval(2)))
        metricsServer?.stop(deadline: min(deadline, Date().addingTimeInterval(2)))
        server.stop(deadline: deadline)
        let group = DispatchGroup()
        for generation in registry.all {
            group.enter()
            generation.drain { _ in group.leave() }
        }
        // Plugins get what is left of the grace period, and a few seconds
        // more when the requests took it all. A call still running then (it
        // was answered 503) keeps its generation from shutting down.
        let pluginDeadline = max(deadline, Date().addingTimeInterval(3))
        if group.wait(timeout: .now() + pluginDeadline.timeIntervalSinceNow) == .timedOut {
            let busy = registry.all.filter { $0.inFlightCount > 0 }.map(\.label)
            logger.warning("some plugins did not finish shutting down in time", metadata: ["busy": "\(busy)"])
        }
        logger.info("stopped")
    }
}
