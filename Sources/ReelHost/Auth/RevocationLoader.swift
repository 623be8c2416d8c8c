import CProtobufC
import CReelProtoHost
import Foundation
import Logging

/// Keeps the guard's revocation table current: all cut-offs in force from
/// `reel.host.v1.TokenAuthority/ListRevocations` when a generation serving it
/// is installed, then each one published on `host.tokens.revoked`
/// (proto/reel/host/v1/token_authority.proto).
final class RevocationLoader: Sendable {
    static let method = "reel.host.v1.TokenAuthority/ListRevocations"
    static let topic = "host.tokens.revoked"

    let bus: Bus
    let table: RevocationTable
    private let logger = Logger(label: "reel.auth-guard")

    init(bus: Bus, table: RevocationTable) {
        self.bus = bus
        self.table = table
        bus.hostSubscriptions.subscribe(Self.topic) { [table] payload in
            guard let (userID, notBeforeMs) = Self.decodeOne(payload) else { return }
            table.record(userID: userID, notBeforeMs: notBeforeMs)
        }
    }

    func generationInstalled(_ generation: PluginGeneration) {
        if generation.methods.contains(where: { $0.name == Self.method }) { load() }
    }

    func load() {
        let table = self.table
        let logger = self.logger
        // ListRevocationsRequest has no fields: its encoding is empty.
        bus.call(method: Self.method, payload: [], caller: .internal, requestId: "auth-revocations") { result in
            guard result.status == .ok else {
                logger.error("cannot fetch token revocations",
                             metadata: ["status": "\(result.status.codeName)", "message": "\(result.message)"])
                return
            }
            let list = Self.decodeAll(result.payload)
            for (userID, notBeforeMs) in list { table.record(userID: userID, notBeforeMs: notBeforeMs) }
            logger.info("token revocations loaded", metadata: ["count": "\(list.count)"])
        }
    }

    static func decodeOne(_ payload: [UInt8]) -> (String, Int64)? {
        guard let message = payload.withUnsafeBufferPointer({ reel__host__v1__tokens_revoked__unpack(nil, $0.count, $0.baseAddress) })
        else { return nil }
        defer { reel__host__v1__tokens_revoked__free_unpacked(message, nil) }
        return item(message.pointee)
    }

    static func decodeAll(_ payload: [UInt8]) -> [(String, Int64)] {
        guard let message = payload.withUnsafeBufferPointer({ reel__host__v1__revocations__unpack(nil, $0.count, $0.baseAddress) })
        else { return [] }
        defer { reel__host__v1__revocations__free_unpacked(message, nil) }
        return (0..<Int(message.pointee.n_items)).compactMap { index in
            message.pointee.items[index].flatMap { item($0.pointee) }
        }
    }

    private static func item(_ message: Reel__Host__V1__TokensRevoked) -> (String, Int64)? {
        let userID = message.user_id.map { String(cString: $0) } ?? ""
        return userID.isEmpty ? nil : (userID, message.not_before_unix_ms)
    }
}
