import ReelConcurrency
import ReelPluginKit
import ReelPostgres

/// The notification plugin's state: its database, the event worker (bus
/// events to notifications, fan-out) and the mail outbox. Handlers live in
/// `Handlers/`, one feature per file.
public final class NotificationService: Sendable {
    static let version = "1.0.0"

    let host: PluginHost
    let database: PostgresClient
    let config: NotificationConfig
    let directory: Directory
    let videos: VideoDirectory
    let mail: MailOutbox
    let events: EventWorker
    let live: LiveFeed
    let loops = LockedBox<[Task<Void, Never>]>([])

    init(host: PluginHost, database: PostgresClient, databaseURL: String, config: NotificationConfig, transport: any MailTransport) {
        self.host = host
        self.live = LiveFeed(host: host, database: database, databaseURL: databaseURL, heartbeatSeconds: config.heartbeatSeconds)
        self.database = database
        self.config = config
        self.directory = Directory(host: host)
        self.videos = VideoDirectory(host: host)
        let mail = MailOutbox(host: host, database: database, transport: transport,
                              composer: MailComposer(publicURL: config.publicURL, from: config.smtpFrom),
                              pollSeconds: config.mailPollSeconds, maxBackoffSeconds: config.mailMaxBackoffSeconds)
        self.mail = mail
        self.events = EventWorker(host: host, database: database, batchSize: config.fanOutBatch,
                                  holdSeconds: config.inboxHoldSeconds) { made in
            if !made.isEmpty { mail.wake() }
        }
    }

    static func start(host: PluginHost) async throws -> NotificationService {
        guard let url = host.config("REEL_DATABASE_URL") else {
            throw PluginError.failedPrecondition("the notification plugin needs REEL_DATABASE_URL")
        }
        let config = try NotificationConfig(host.config)
        let transport: any MailTransport
        if let smtp = config.smtpURL {
            transport = SMTPTransport(url: smtp, from: config.smtpFrom, username: config.smtpUsername, password: config.smtpPassword)
        } else {
            let folder = FolderTransport(directory: config.mailDirectory)
            do { try folder.prepare() } catch {
                throw PluginError.failedPrecondition("cannot create the mail folder \(config.mailDirectory): \(error)")
            }
            transport = folder
        }
        let database = PostgresClient(configuration: PostgresConfiguration(url: url, applicationName: "reel-notification"), poolSize: 3)
        do {
            let applied = try await NotificationSchema.migrator.migrate(database)
            let service = NotificationService(host: host, database: database, databaseURL: url, config: config, transport: transport)
            service.startLoops()
            host.log(.info, "notification \(version) ready (migrations applied: \(applied); mail \(transport.summary))")
            return service
        } catch {
            database.close()
            throw error
        }
    }

    private func startLoops() {
        let mail = self.mail
        let events = self.events
        let live = self.live
        live.startListener()
        loops.withLock {
            $0.append(Task { await live.runDelivery() })
            $0.append(Task { await live.runHeartbeat() })
            $0.append(Task { await events.run() })
            $0.append(Task { await mail.run() })
        }
    }

    /// A bus event: checked here, written to the durable inbox before the
    /// bus handler returns, handled by the event worker's own task.
    func receive(topic: String, payload: [UInt8]) async {
        guard let event = BusEvent.decode(topic: topic, payload: payload) else {
            host.log(.warn, "notification: ignored a malformed \(topic) event")
            return
        }
        await events.record(topic: topic, payload: payload, event: event)
    }

    func stop() async {
        live.stop()
        let tasks = loops.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        tasks.forEach { $0.cancel() }
        for task in tasks { await task.value }
        database.close()
    }
}
