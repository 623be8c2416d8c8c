import Foundation
import ReelPluginKit
import ReelPostgres

extension AuthService {
    /// ListRevocations (internal; reel.host.v1.TokenAuthority): the cut-offs
    /// that can still void an unexpired access token, for a guard that loads
    /// after they were made.
    func listRevocations(_ call: PluginCall) async throws -> [UInt8] {
        let since = Date().unixMilliseconds - Int64(config.accessTokenSeconds + Self.clockSkewSeconds) * 1000
        let list = try await database.withConnection { c in try RevocationStore.inForce(c, sinceMs: since) }
        return RevocationMessages.revocations(list)
    }

    /// Margin for clocks of hosts that disagree a little.
    static let clockSkewSeconds = 300

    /// Voids every access token of `userID` issued until now (their `iat_ms`
    /// is at most now). Run in the transaction of the change; `announce` the
    /// result after it commits.
    static func cutTokens(_ c: PostgresConnection, userID: String) throws -> Revocation {
        let notBefore = Date().unixMilliseconds + 1
        return Revocation(userID: userID, notBeforeMs: try RevocationStore.cut(c, userID: userID, notBeforeMs: notBefore))
    }

    /// Tells this host's guard (topic host.tokens.revoked). Other hosts on the
    /// database learn it from their auth plugin's listener (a `ChannelListener` on `RevocationStore.channel`).
    func announce(_ revocation: Revocation) {
        host.publish(RevocationMessages.topic, RevocationMessages.tokensRevoked(revocation))
    }
}

extension AuthService {
    /// A listener that republishes on this host every cut-off made on the
    /// database (by this host or another), and all those in force after it
    /// lost its connection for a while.
    static func revocationListener(host: PluginHost, url: String, database: PostgresClient,
                                   config: AuthConfig) -> ChannelListener {
        let publish: @Sendable (Revocation) -> Void = { revocation in
            host.publish(RevocationMessages.topic, RevocationMessages.tokensRevoked(revocation))
        }
        return ChannelListener(
            configuration: PostgresConfiguration(url: url, applicationName: "reel-auth-revocations"),
            channel: RevocationStore.channel, threadName: "reel-auth-revocations",
            listening: { reconnected in
                // Cut-offs made while the connection was down sent no notification: republish those in force.
                guard reconnected else { return }
                let since = Date().unixMilliseconds - Int64(config.accessTokenSeconds + clockSkewSeconds) * 1000
                Task {
                    let list = (try? await database.withConnection { c in try RevocationStore.inForce(c, sinceMs: since) }) ?? []
                    list.forEach(publish)
                }
            },
            notified: { notification in
                if let revocation = RevocationStore.parse(notification.payload) { publish(revocation) }
            })
    }
}
