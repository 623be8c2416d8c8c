import ReelConcurrency
import ReelPluginKit
import ReelPostgres

/// Delivers notification.mail_outbox: at least once, retrying with
/// exponential backoff (capped by `maxBackoffSeconds`) while the mail
/// server is down; every attempt is counted in the row, so a restart or
/// another host picks up where this one stopped.
final class MailOutbox: Sendable {
    static let leaseSeconds = 120

    private let host: PluginHost
    private let database: PostgresClient
    private let transport: any MailTransport
    private let composer: MailComposer
    private let directory: Directory
    private let pollSeconds: Int
    private let maxBackoffSeconds: Int
    private let woken = LockedBox(false)
    private let metrics: NotificationMetrics
    private static let thread = BlockingThreads(name: "reel-notification-mail", limit: 1)

    init(host: PluginHost, database: PostgresClient, transport: any MailTransport, composer: MailComposer,
         pollSeconds: Int, maxBackoffSeconds: Int) {
        self.host = host
        self.database = database
        self.transport = transport
        self.composer = composer
        self.directory = Directory(host: host)
        self.pollSeconds = pollSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.metrics = NotificationMetrics(host.metrics)
    }

    func wake() { woken.withLock { $0 = true } }

    func run() async {
        while !Task.isCancelled {
            await deliverDue()
            for _ in 0..<(pollSeconds * 4) {
                if Task.isCancelled || woken.withLock({ w in defer { w = false }; return w }) { break }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    func deliverDue() async {
        let due: [MailOutboxStore.Due]
        do {
            due = try await database.withConnection { c in try MailOutboxStore.claimDue(c, limit: 20, leaseSeconds: Self.leaseSeconds) }
        } catch {
            host.log(.warn, "mail outbox: reading due emails failed: \(error)")
            return
        }
        for item in due { await deliver(item) }
        if let depth = try? await database.withConnection({ c in try MailOutboxStore.depth(c) }) {
            metrics.emailOutboxDepth.set(Double(depth))
        }
    }

    private func deliver(_ item: MailOutboxStore.Due) async {
        let id = item.notificationId
        do {
            guard let n = try await database.withConnection({ c in try NotificationStore.load(c, id: id) }) else { return }
            guard let account = try await directory.account(n.userId), !account.disabled, !account.email.isEmpty else {
                try await database.withConnection { c in try MailOutboxStore.drop(c, id: id, reason: "no active account") }
                return
            }
            var actorName: String?
            if let actor = n.actorId { actorName = try? await directory.displayNames([actor])[actor] }
            let message = composer.compose(n, to: account.email, actorName: actorName)
            let transport = self.transport
            try await Self.thread.run { try transport.send(message, key: "notification-\(id)") }
            try await database.withConnection { c in try MailOutboxStore.markSent(c, id: id) }
            host.log(.info, "notification \(id): email \(transport.summary) (attempt \(item.attempts))")
        } catch {
            let backoff = min(1 << min(item.attempts, 16), maxBackoffSeconds)
            if item.attempts == 1 || item.attempts % 10 == 0 {
                host.log(.info, "notification \(id): email not sent (attempt \(item.attempts): \(error)); retrying in \(backoff) s")
            }
            do {
                try await database.withConnection { c in
                    try MailOutboxStore.markFailed(c, id: id, error: "\(error)", retryInSeconds: backoff)
                }
            } catch {
                host.log(.warn, "mail outbox: recording a failed email failed: \(error)")
            }
        }
    }
}
