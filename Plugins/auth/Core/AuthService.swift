import Foundation
import ReelPluginKit
import ReelPostgres

/// The auth plugin's state: its database, password hasher and token signer.
/// Handlers live in the `Handlers/` extensions, one feature per file.
public final class AuthService: Sendable {
    static let version = "1.0.0"

    let host: PluginHost
    let database: PostgresClient
    let config: AuthConfig
    let passwords: PasswordHasher
    let accessTokens: AccessTokens
    /// A hash of a random password with the current parameters: logins for
    /// unknown emails verify against it, so they take as long as real ones.
    let dummyHash: String
    /// Hears the revocation cut-offs of every host on the database.
    let revocationListener: ChannelListener
    let loginMetrics: LoginMetrics

    init(host: PluginHost, database: PostgresClient, config: AuthConfig, passwords: PasswordHasher,
         accessTokens: AccessTokens, dummyHash: String, revocationListener: ChannelListener) {
        self.host = host
        self.database = database
        self.config = config
        self.passwords = passwords
        self.accessTokens = accessTokens
        self.dummyHash = dummyHash
        self.revocationListener = revocationListener
        loginMetrics = LoginMetrics(host.metrics)
    }

    static func start(host: PluginHost) async throws -> AuthService {
        guard let url = host.config("REEL_DATABASE_URL") else {
            throw PluginError.failedPrecondition("the auth plugin needs REEL_DATABASE_URL")
        }
        let config = try AuthConfig(host.config)
        // Connections (threads) for its queries: 3 queued a loaded API behind each other (tools/bench api).
        let poolSize = min(try PluginConfig.positive("REEL_AUTH_DATABASE_POOL", default: 8, from: host.config), 64)
        let database = PostgresClient(configuration: PostgresConfiguration(url: url, applicationName: "reel-auth"),
                                      poolSize: poolSize)
        do {
            let applied = try await AuthSchema.migrator.migrate(database)
            let (key, created) = try await database.withTransaction { c in try SigningKeyStore.currentOrCreate(c) }
            let passwords = PasswordHasher()
            let dummyHash = try await passwords.hash(RefreshToken.generate())
            let accessTokens = try await AccessTokens(key: key, lifetimeSeconds: config.accessTokenSeconds)
            host.log(.info, "auth \(version) ready (migrations applied: \(applied); signing key \(key.kid)"
                     + (created ? ", created" : "") + ")")
            let listener = revocationListener(host: host, url: url, database: database, config: config)
            let service = AuthService(host: host, database: database, config: config, passwords: passwords,
                                      accessTokens: accessTokens, dummyHash: dummyHash, revocationListener: listener)
            listener.start()
            return service
        } catch {
            database.close()
            throw error
        }
    }

    func stop() async {
        revocationListener.stop()
        database.close()
    }

    /// A TokenPair for `user`: a fresh access token and the given refresh token.
    /// `issuedAt`: a time at or before the moment `user` was read.
    func tokenPair(for user: User, refreshToken: String, issuedAt: Date = Date()) async throws -> [UInt8] {
        let accessToken = try await accessTokens.sign(userID: user.id, role: user.role, now: issuedAt)
        return Messages.tokenPair(accessToken: accessToken, refreshToken: refreshToken,
                                  expiresIn: config.accessTokenSeconds, user: user)
    }
}
