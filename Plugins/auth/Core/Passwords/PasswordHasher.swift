import CArgon2
import Foundation

/// argon2id (RFC 9106) through Debian's libargon2, stored in the encoded form
/// `$argon2id$v=19$m=…,t=…,p=…$salt$hash`. Hashing is deliberately slow CPU
/// work: it runs on Dispatch's threads, at most `concurrency` at a time
/// (callers beyond that wait without blocking a thread), never on Swift's
/// cooperative pool.
public final class PasswordHasher: Sendable {
    /// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
    public struct Parameters: Sendable, Equatable {
        public var iterations: UInt32 = 2
        public var memoryKiB: UInt32 = 19 * 1024
        public var parallelism: UInt32 = 1
        public var saltLength = 16
        public var hashLength = 32
        public init() {}
    }

    public let parameters: Parameters
    private let gate: ConcurrencyGate
    private let queue = DispatchQueue(label: "reel.auth.argon2", qos: .userInitiated, attributes: .concurrent)

    public init(parameters: Parameters = Parameters(), concurrency: Int = 2) {
        self.parameters = parameters
        gate = ConcurrencyGate(limit: concurrency)
    }

    /// The encoded argon2id hash of `password` with a fresh random salt.
    public func hash(_ password: String) async throws -> String {
        let parameters = parameters
        return try await run { try Self.hashNow(password, parameters) }
    }

    /// True if `password` matches `encoded`; false for a mismatch or an
    /// encoded string libargon2 cannot read.
    public func verify(_ password: String, encoded: String) async -> Bool {
        (try? await run { Self.verifyNow(password, encoded: encoded) }) ?? false
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await gate.acquire()
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { try work() }) }
        }
        await gate.release()
        return try result.get()
    }

    /// Passwords are hashed as NFC UTF-8, so the same text typed on any
    /// keyboard gives the same bytes.
    static func bytes(_ password: String) -> [UInt8] {
        Array(password.precomposedStringWithCanonicalMapping.utf8)
    }

    static func hashNow(_ password: String, _ p: Parameters) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<p.saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let pwd = bytes(password)
        let length = argon2_encodedlen(p.iterations, p.memoryKiB, p.parallelism, UInt32(p.saltLength),
                                       UInt32(p.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let status = argon2id_hash_encoded(p.iterations, p.memoryKiB, p.parallelism, pwd, pwd.count,
                                           salt, salt.count, p.hashLength, &encoded, length)
        guard status == ARGON2_OK.rawValue else { throw PasswordHashError(code: status) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func verifyNow(_ password: String, encoded: String) -> Bool {
        let pwd = bytes(password)
        return argon2id_verify(encoded, pwd, pwd.count) == ARGON2_OK.rawValue
    }
}

public struct PasswordHashError: Error, CustomStringConvertible {
    public let code: Int32
    public var description: String {
        "argon2id failed: " + (argon2_error_message(code).map { String(cString: $0) } ?? "error \(code)")
    }
}

/// At most `limit` holders at a time; the others wait, suspended, in order.
actor ConcurrencyGate {
    private let limit: Int
    private var holders = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func acquire() async {
        if holders < limit {
            holders += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            holders -= 1
        } else {
            waiters.removeFirst().resume()  // the slot passes straight to the next waiter
        }
    }
}
