import Foundation
import ReelConcurrency
import ReelPluginKit
import ReelPostgres
import ReelStorage

/// The transcoder plugin's state: its database (schema `transcoder`), the
/// media storage, and three background parts:
/// - the worker (`WorkerLoop` + `JobRunner`), unless REEL_TRANSCODER_WORKER=off;
/// - the reporter (`VideoReporter`), the outbox to the video service;
/// - the listener (`QueueListener`), LISTEN/NOTIFY waking both.
public final class TranscoderService: Sendable {
    static let version = "1.0.0"

    let host: PluginHost
    let database: PostgresClient
    let config: TranscoderConfig
    let worker: WorkerLoop?
    let reporter: VideoReporter
    private let listener: QueueListener
    private let queueDepth: QueueDepthLoop
    private let loops = LockedBox<[Task<Void, Never>]>([])

    private init(host: PluginHost, database: PostgresClient, storage: any ObjectStorage, config: TranscoderConfig,
                 databaseConfiguration: PostgresConfiguration) {
        self.host = host
        self.database = database
        self.config = config
        let worker = config.runsJobs
            ? WorkerLoop(host: host, database: database,
                         runner: JobRunner(host: host, database: database, storage: storage, config: config), config: config)
            : nil
        let reporter = VideoReporter(host: host, database: database, pollSeconds: config.pollSeconds)
        self.worker = worker
        self.reporter = reporter
        queueDepth = QueueDepthLoop(host: host, database: database, metrics: TranscodeMetrics(host.metrics))
        listener = QueueListener(configuration: databaseConfiguration,
                                 channels: [TranscoderSchema.jobsChannel, TranscoderSchema.reportsChannel]) { channel in
            if channel == TranscoderSchema.jobsChannel { worker?.wake() } else { reporter.wake() }
        }
    }

    static func start(host: PluginHost) async throws -> TranscoderService {
        guard let url = host.config("REEL_DATABASE_URL") else {
            throw PluginError.failedPrecondition("the transcoder plugin needs REEL_DATABASE_URL")
        }
        let config = try TranscoderConfig(host.config)
        let storage = try StorageFactory.fromEnvironment { host.config($0) }
        let configuration = PostgresConfiguration(url: url, applicationName: "reel-transcoder")
        let database = PostgresClient(configuration: configuration, poolSize: 2 + config.maxJobs)
        do {
            let applied = try await TranscoderSchema.migrator.migrate(database)
            try FileManager.default.createDirectory(atPath: config.workDirectory, withIntermediateDirectories: true)
            let service = TranscoderService(host: host, database: database, storage: storage, config: config,
                                            databaseConfiguration: configuration)
            service.startLoops()
            host.log(.info, "transcoder \(version) ready (migrations applied: \(applied); "
                     + (config.runsJobs ? "worker \(config.workerName): \(config.maxJobs) job(s) at once, "
                        + "\(config.threadsPerJob) threads each, preset \(config.preset), lease \(config.leaseSeconds) s"
                        : "not running jobs (REEL_TRANSCODER_WORKER=off)") + ")")
            return service
        } catch {
            database.close()
            throw error
        }
    }

    private func startLoops() {
        listener.start()
        let reporter = self.reporter, worker = self.worker, queueDepth = self.queueDepth
        loops.withLock {
            $0.append(Task { await reporter.run() })
            $0.append(Task { await queueDepth.run() })
            if let worker { $0.append(Task { await worker.run() }) }
        }
    }

    /// Shutdown or hot swap: running attempts give their jobs back at once
    /// (another worker, or the next generation, takes them).
    func stop() async {
        let tasks = loops.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        tasks.forEach { $0.cancel() }
        for task in tasks { await task.value }
        await worker?.drain()
        listener.stop()
        database.close()
    }
}
