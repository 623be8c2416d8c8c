import ArgumentParser
import Foundation
import ReelHost

/// Runs the host until SIGTERM or SIGINT, then stops gracefully.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the host with the plugins of REEL_PLUGINS_DIR.",
        discussion: "Configuration comes from the environment: REEL_HTTP_PORT, REEL_HTTP_HOST, REEL_ADMIN_ADDR, REEL_DATA_DIR, REEL_DATABASE_URL, REEL_PLUGINS_DIR, REEL_PLUGINS, REEL_MAX_BODY_BYTES, …")

    @Option(help: "Comma-separated plugin names to load (worker mode), e.g. --plugins transcoder.")
    var plugins: String?

    @Option(help: "Port to listen on (overrides REEL_HTTP_PORT).")
    var port: UInt16?

    func run() throws {
        SignalWaiter.blockTermination()
        ReelLogging.bootstrap()
        var environment = ProcessInfo.processInfo.environment
        if let plugins { environment["REEL_PLUGINS"] = plugins }
        if let port { environment["REEL_HTTP_PORT"] = String(port) }
        let config: HostConfig
        do {
            config = try HostConfig(environment: environment)
        } catch {
            FileHandle.standardError.write(Data("reel: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let app = ReelHostApp(config: config, databasePing: DatabaseCheck.ping(url: config.databaseURL))
        do {
            try app.start()
        } catch {
            FileHandle.standardError.write(Data("reel: \(error)\n".utf8))
            throw ExitCode(2)
        }
        SignalWaiter.waitForTermination()
        app.stop()
    }
}
