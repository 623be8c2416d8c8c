import Foundation
import ReelDisplayNames
import ReelPluginKit
import ReelPostgres

/// The comment plugin's state: its database, the authors' names cache and
/// the rate limit. Handlers live in `Handlers/`, one feature per file.
public final class CommentService: Sendable {
    static let version = "1.0.0"

    let host: PluginHost
    let database: PostgresClient
    let config: CommentConfig
    let names: DisplayNames
    let rateLimit: RateLimit

    init(host: PluginHost, database: PostgresClient, config: CommentConfig) {
        self.host = host
        self.database = database
        self.config = config
        self.names = DisplayNames(host: host, ttlSeconds: Double(config.nameTTLSeconds))
        self.rateLimit = RateLimit(count: config.ratePerMinute, windowSeconds: 60)
    }

    static func start(host: PluginHost) async throws -> CommentService {
        guard let url = host.config("REEL_DATABASE_URL") else {
            throw PluginError.failedPrecondition("the comment plugin needs REEL_DATABASE_URL")
        }
        let config = try CommentConfig(host.config)
        let database = PostgresClient(configuration: PostgresConfiguration(url: url, applicationName: "reel-comment"), poolSize: 3)
        do {
            let applied = try await CommentSchema.migrator.migrate(database)
            host.log(.info, "comment \(version) ready (migrations applied: \(applied); "
                     + "\(config.ratePerMinute) comments a minute per user)")
            return CommentService(host: host, database: database, config: config)
        } catch {
            database.close()
            throw error
        }
    }

    func stop() async {
        database.close()
    }

    /// A page of comments with their authors' current names.
    func page(_ comments: [CommentRecord], nextCursor: String?, enabled: Bool? = nil) async -> [UInt8] {
        let names = await names.names(for: comments.filter { !$0.deleted }.map(\.authorId))
        return CommentMessages.page(comments, nextCursor: nextCursor, names: names, enabled: enabled)
    }

    func one(_ comment: CommentRecord) async -> [UInt8] {
        let names = comment.deleted ? [:] : await names.names(for: [comment.authorId])
        return CommentMessages.comment(comment, names: names)
    }

    /// A comment the caller may see (its video visible to them), with the video's access.
    func visibleComment(_ id: String, caller: Caller) async throws -> (CommentRecord, VideoAccess) {
        guard let comment = try await database.withConnection({ c in try CommentStore.byID(c, id) }) else {
            throw PluginError.notFound("no comment with id \(id)")
        }
        let access = try await VideoAccess.ask(host, videoId: comment.videoId, caller: caller)
        guard access.exists, access.mayView else { throw PluginError.notFound("no comment with id \(id)") }
        return (comment, access)
    }
}

extension PluginCall {
    var caller: Caller { Caller(userId: callerUserId, role: callerRole) }
}
