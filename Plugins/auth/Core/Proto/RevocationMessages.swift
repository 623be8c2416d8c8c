import CReelProtoHost
import ReelPluginKit

/// Packs the TokenAuthority messages of revocation (proto/reel/host/v1/token_authority.proto).
enum RevocationMessages {
    static let topic = "host.tokens.revoked"

    static func tokensRevoked(_ revocation: Revocation) -> [UInt8] {
        let strings = CStrings()
        var message = item(revocation, strings)
        return Proto.pack(&message)
    }

    static func revocations(_ list: [Revocation]) -> [UInt8] {
        let strings = CStrings()
        let messages = UnsafeMutablePointer<Reel__Host__V1__TokensRevoked>.allocate(capacity: max(list.count, 1))
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<Reel__Host__V1__TokensRevoked>?>.allocate(capacity: max(list.count, 1))
        defer {
            messages.deinitialize(count: list.count)
            messages.deallocate()
            pointers.deallocate()
        }
        for (index, revocation) in list.enumerated() {
            (messages + index).initialize(to: item(revocation, strings))
            pointers[index] = messages + index
        }
        var message = Reel__Host__V1__Revocations()
        reel__host__v1__revocations__init(&message)
        message.n_items = list.count
        message.items = pointers
        return Proto.pack(&message)
    }

    private static func item(_ revocation: Revocation, _ strings: CStrings) -> Reel__Host__V1__TokensRevoked {
        var message = Reel__Host__V1__TokensRevoked()
        reel__host__v1__tokens_revoked__init(&message)
        message.user_id = strings(revocation.userID)
        message.not_before_unix_ms = revocation.notBeforeMs
        return message
    }
}
