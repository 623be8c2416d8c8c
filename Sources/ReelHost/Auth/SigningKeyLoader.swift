import CProtobufC
import CReelProtoHost
import Foundation
import Logging

/// Fetches the token authority's public keys over the bus into the JWT
/// guard, through the host's own contract (proto/reel/host/v1/
/// token_authority.proto; whichever plugin serves it): when a generation
/// serving GetVerificationKeys is installed, and when a token names a key the
/// guard does not know.
final class SigningKeyLoader: Sendable {
    static let method = "reel.host.v1.TokenAuthority/GetVerificationKeys"

    let bus: Bus
    let guardian: JWTGuard
    private let logger = Logger(label: "reel.auth-guard")

    init(bus: Bus, guardian: JWTGuard) {
        self.bus = bus
        self.guardian = guardian
    }

    func generationInstalled(_ generation: PluginGeneration) {
        if generation.methods.contains(where: { $0.name == Self.method }) { load() }
    }

    func load() {
        var request = Reel__Host__V1__GetVerificationKeysRequest()
        reel__host__v1__get_verification_keys_request__init(&request)
        let payload = withUnsafeMutablePointer(to: &request) { pointer in
            pointer.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { base in
                var bytes = [UInt8](repeating: 0, count: protobuf_c_message_get_packed_size(base))
                _ = bytes.withUnsafeMutableBufferPointer { protobuf_c_message_pack(base, $0.baseAddress) }
                return bytes
            }
        }
        let guardian = self.guardian
        let logger = self.logger
        guardian.keyRefreshStarted()
        bus.call(method: Self.method, payload: payload, caller: .internal, requestId: "auth-keys") { result in
            guard result.status == .ok else {
                logger.error("cannot fetch verification keys", metadata: ["status": "\(result.status.codeName)", "message": "\(result.message)"])
                guardian.keyRefreshFailed()
                return
            }
            let keys = Self.decode(result.payload)
            Task { await guardian.install(keys: keys) }
        }
    }

    static func decode(_ payload: [UInt8]) -> [(kid: String, publicKey: [UInt8])] {
        guard let message = payload.withUnsafeBufferPointer({ reel__host__v1__verification_keys__unpack(nil, $0.count, $0.baseAddress) }) else {
            return []
        }
        defer { reel__host__v1__verification_keys__free_unpacked(message, nil) }
        var keys: [(kid: String, publicKey: [UInt8])] = []
        for index in 0..<Int(message.pointee.n_keys) {
            guard let key = message.pointee.keys[index] else { continue }
            let kid = key.pointee.kid.map { String(cString: $0) } ?? ""
            let algorithm = key.pointee.algorithm.map { String(cString: $0) } ?? ""
            let raw = key.pointee.public_key
            guard algorithm == "EdDSA", !kid.isEmpty, raw.len == 32, let data = raw.data else { continue }
            keys.append((kid, Array(UnsafeBufferPointer(start: data, count: raw.len))))
        }
        return keys
    }
}
