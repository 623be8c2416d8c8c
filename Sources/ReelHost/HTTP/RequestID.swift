import Foundation

/// The id every request carries (X-Request-Id, logs, error bodies).
enum RequestID {
    /// Keeps a client-supplied id if it is short and plain, else makes one.
    static func accept(_ supplied: String?) -> String {
        if let supplied, (1...64).contains(supplied.utf8.count),
           supplied.utf8.allSatisfy({ isalnum(Int32($0)) != 0 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) {
            return supplied
        }
        return make()
    }

    /// 32 hex digits. Not a secret: a fast generator seeded once from the
    /// system's (each request would otherwise cost two getrandom calls).
    static func make() -> String {
        let (a, b) = generator.withLock { $0.next2() }
        var text = [UInt8](repeating: 0, count: 32)
        let digits = Array("0123456789abcdef".utf8)
        for i in 0..<16 {
            text[15 - i] = digits[Int((a >> (UInt64(i) * 4)) & 0xF)]
            text[31 - i] = digits[Int((b >> (UInt64(i) * 4)) & 0xF)]
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let generator = LockedGenerator()
}

/// wyrand (a 64-bit mixing generator) under a lock, seeded from the system.
private final class LockedGenerator: @unchecked Sendable {
    struct State {
        var seed: UInt64
        mutating func next() -> UInt64 {
            seed &+= 0xa076_1d64_78bd_642f
            let product = seed.multipliedFullWidth(by: seed ^ 0xe703_7ed1_a0b4_28db)
            return product.high ^ product.low
        }
        mutating func next2() -> (UInt64, UInt64) { (next(), next()) }
    }
    private let lock = NSLock()
    private var state: State
    init() {
        var system = SystemRandomNumberGenerator()
        state = State(seed: system.next())
    }
    func withLock<T>(_ body: (inout State) -> T) -> T { lock.withLock { body(&state) } }
}
