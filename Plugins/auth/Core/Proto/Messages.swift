import CReelProtoAuth
import Foundation
import ReelPluginKit

/// Packs the plugin's output messages (protobuf-c structs) into bytes.
enum Messages {
    static func user(_ user: User) -> [UInt8] {
        let strings = CStrings()
        var message = userMessage(user, strings)
        return Proto.pack(&message)
    }

    static func registerResponse(_ user: User) -> [UInt8] {
        let strings = CStrings()
        var inner = userMessage(user, strings)
        return withUnsafeMutablePointer(to: &inner) { pointer in
            var message = Reel__Auth__V1__RegisterResponse()
            reel__auth__v1__register_response__init(&message)
            message.user = pointer
            return Proto.pack(&message)
        }
    }

    static func tokenPair(accessToken: String, refreshToken: String, expiresIn: Int, user: User) -> [UInt8] {
        let strings = CStrings()
        var inner = userMessage(user, strings)
        return withUnsafeMutablePointer(to: &inner) { pointer in
            var message = Reel__Auth__V1__TokenPair()
            reel__auth__v1__token_pair__init(&message)
            message.access_token = strings(accessToken)
            message.refresh_token = strings(refreshToken)
            message.expires_in = Int32(clamping: expiresIn)
            message.user = pointer
            message.token_type = strings("Bearer")
            return Proto.pack(&message)
        }
    }

    static func userPage(_ users: [User], nextCursor: String) -> [UInt8] {
        let strings = CStrings()
        let messages = UnsafeMutablePointer<Reel__Auth__V1__User>.allocate(capacity: max(users.count, 1))
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<Reel__Auth__V1__User>?>.allocate(capacity: max(users.count, 1))
        defer {
            messages.deinitialize(count: users.count)
            messages.deallocate()
            pointers.deallocate()
        }
        for (index, user) in users.enumerated() {
            (messages + index).initialize(to: userMessage(user, strings))
            pointers[index] = messages + index
        }
        var message = Reel__Auth__V1__ListUsersResponse()
        reel__auth__v1__list_users_response__init(&message)
        message.n_users = users.count
        message.users = pointers
        message.next_cursor = strings(nextCursor)
        return Proto.pack(&message)
    }

    static func signingKeys(_ keys: [(kid: String, publicKey: Data)]) -> [UInt8] {
        let strings = CStrings()
        let count = keys.count
        let messages = UnsafeMutablePointer<Reel__Auth__V1__SigningKey>.allocate(capacity: max(count, 1))
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<Reel__Auth__V1__SigningKey>?>.allocate(capacity: max(count, 1))
        let bytes = keys.map { key in
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(key.publicKey.count, 1))
            key.publicKey.copyBytes(to: buffer, count: key.publicKey.count)
            return buffer
        }
        defer {
            bytes.forEach { $0.deallocate() }
            messages.deinitialize(count: count)
            messages.deallocate()
            pointers.deallocate()
        }
        for (index, key) in keys.enumerated() {
            var message = Reel__Auth__V1__SigningKey()
            reel__auth__v1__signing_key__init(&message)
            message.kid = strings(key.kid)
            message.algorithm = strings(AccessTokens.algorithm)
            message.public_key = ProtobufCBinaryData(len: key.publicKey.count, data: bytes[index])
            (messages + index).initialize(to: message)
            pointers[index] = messages + index
        }
        var message = Reel__Auth__V1__SigningKeys()
        reel__auth__v1__signing_keys__init(&message)
        message.n_keys = count
        message.keys = pointers
        message.issuer = strings(AccessTokens.issuer)
        message.audience = strings(AccessTokens.audience)
        return Proto.pack(&message)
    }

    /// An empty message (LogoutResponse, ChangePasswordResponse): no bytes.
    static let empty: [UInt8] = []

    private static func userMessage(_ user: User, _ strings: CStrings) -> Reel__Auth__V1__User {
        var message = Reel__Auth__V1__User()
        reel__auth__v1__user__init(&message)
        message.id = strings(user.id)
        message.email = strings(user.email)
        message.display_name = strings(user.displayName)
        message.role = strings(user.role.rawValue)
        message.disabled = user.disabled ? 1 : 0
        message.created_at = strings(user.createdAt)
        return message
    }
}
