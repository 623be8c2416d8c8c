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
        let (a, b) = randomWords()
        return hex(a, b, digits: 32)
    }

    /// Two words from the shared generator (one short lock).
    static func randomWords() -> (UInt64, UInt64) { generator.withLock { $0.next2() } }

    /// The first `digits` (at most 32) hex digits of `a` then `b`.
    static func hex(_ a: UInt64, _ b: UInt64, digits: Int) -> String {
        let alphabet: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: digits) { text in
            alphabet.withUTF8Buffer { alphabet in
                for i in 0..<digits {
                    let word = i < 16 ? a : b
                    let shift = UInt64(15 - i % 16) * 4
                    text[i] = alphabet[Int((word >> shift) & 0xF)]
                }
            }
            return digits
        }
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
