import Foundation
import ReelConcurrency
import ReelDisplayNames
import ReelPluginKit
import ReelPostgres
import ReelStorage

/// The video plugin's state: its database, the media storage, the partial
/// uploads folder and the background loops (upload sweeper, transcode
/// outbox). Handlers live in `Handlers/` and `Uploads/`, one feature per file.
public final class VideoService: Sendable {
    static let version = "1.0.0"

    let host: PluginHost
    let database: PostgresClient
    let storage: any ObjectStorage
    let config: VideoConfig
    let partials: PartialUploads
    let outbox: OutboxDelivery
    /// The media routes (access checks, files from storage).
    let media: MediaDelivery
    /// The media URLs the API answers (signed for videos not open to all).
    let links: MediaLinks
    /// Owners' display names for the cards (from the auth plugin, cached briefly).
    let owners: DisplayNames
    let uploadMetrics: UploadMetrics
    /// The catalog's first pages in memory, and the listener that drops them on any change.
    let catalog: CatalogCache
    let catalogListener: ChannelListener
    let loops = LockedBox<[Task<Void, Never>]>([])

    init(host: PluginHost, database: PostgresClient, storage: any ObjectStorage, config: VideoConfig, signer: MediaSigner) {
        self.host = host
        self.database = database
        self.storage = storage
        self.config = config
        self.partials = PartialUploads(directory: config.uploadsDirectory)
        self.outbox = OutboxDelivery(host: host, database: database, pollSeconds: config.outboxPollSeconds)
        self.media = MediaDelivery(signer: signer, storage: storage, database: database, settings: config.media, host: host)
        self.links = MediaLinks(baseURL: config.mediaBaseURL, signer: signer, ttlSeconds: config.media.urlTTLSeconds)
        self.owners = DisplayNames(host: host)
        self.uploadMetrics = UploadMetrics(host.metrics)
        let catalog = CatalogCache(maxAgeSeconds: config.catalogCacheSeconds)
        self.catalog = catalog
        // Every change to video.videos any host made (the table's trigger
        // NOTIFYs): while not listening the cache keeps nothing.
        self.catalogListener = ChannelListener(
            configuration: database.configuration, channel: CatalogCache.channel, threadName: "reel-video-catalog",
            listening: { _ in
                catalog.setListening(true)
                GatewayPurges.catalogChanged(host)
            },
            notified: { _ in
                catalog.changed()
                GatewayPurges.catalogChanged(host)
            },
            lost: {
                catalog.setListening(false)
                GatewayPurges.catalogChanged(host)
            })
    }

    static func start(host: PluginHost) async throws -> VideoService {
        guard let url = host.config("REEL_DATABASE_URL") else {
            throw PluginError.failedPrecondition("the video plugin needs REEL_DATABASE_URL")
        }
        let config = try VideoConfig(host.config)
        let storage = try StorageFactory.fromEnvironment { host.config($0) }
        // Connections (threads) for its queries: 3 queued a loaded API behind each other (tools/bench api).
        let poolSize = min(try PluginConfig.positive("REEL_VIDEO_DATABASE_POOL", default: 8, from: host.config), 64)
        let database = PostgresClient(configuration: PostgresConfiguration(url: url, applicationName: "reel-video"),
                                      poolSize: poolSize)
        do {
            let applied = try await VideoSchema.migrator.migrate(database)
            let signer = try await MediaSigningKey.load(database, configured: host.config("REEL_MEDIA_SIGNING_KEY"))
            let service = VideoService(host: host, database: database, storage: storage, config: config, signer: signer)
            try await BlockingIO.run { try service.partials.prepare() }
            service.startLoops()
            if let sample = host.config("REEL_SAMPLE_VIDEO"), !sample.isEmpty {
                service.loops.withLock { $0.append(Task { await service.importSample(path: sample) }) }
            }
            host.log(.info, "video \(version) ready (migrations applied: \(applied); uploads in \(config.uploadsDirectory); "
                     + "max upload \(config.maxUploadBytes) bytes)")
            return service
        } catch {
            database.close()
            throw error
        }
    }

    private func startLoops() {
        let sweeper = UploadSweeper(service: self)
        let pruner = ViewLogPruner(service: self)
        let outbox = self.outbox
        let sweepInterval = config.sweepSeconds
        if catalog.isEnabled { catalogListener.start() }
        loops.withLock {
            $0.append(Task { await sweeper.run(everySeconds: sweepInterval) })
            $0.append(Task { await outbox.run() })
            $0.append(Task { await pruner.run() })
        }
    }

    func stop() async {
        let tasks = loops.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        tasks.forEach { $0.cancel() }
        for task in tasks { await task.value }
        if catalog.isEnabled { await BlockingIO.perform { [catalogListener] in catalogListener.stop() } }
        database.close()
    }
}
