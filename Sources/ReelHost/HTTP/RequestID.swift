import Foundation
import Synchronization

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

    /// Two words from the shared generator.
    static func randomWords() -> (UInt64, UInt64) { (RandomWords.next(), RandomWords.next()) }

    /// One word from the shared generator.
    static func randomWord() -> UInt64 { RandomWords.next() }

    /// The first `digits` (at most 32) hex digits of `a` then `b`.
    static func hex(_ a: UInt64, _ b: UInt64, digits: Int) -> String {
        String(unsafeUninitializedCapacity: min(digits, 32)) { text in
            ASCIIText.writeHex(a, into: text, at: 0, digits: min(text.count, 16))
            if text.count > 16 { ASCIIText.writeHex(b, into: text, at: 16, digits: text.count - 16) }
            return text.count
        }
    }
}

/// wyrand (a 64-bit mixing generator), seeded once from the system. Its
/// state only ever moves by one constant, so an atomic add takes a step
/// (no lock): every draw, on any thread, gets its own state.
private enum RandomWords {
    static let state: Atomic<UInt64> = {
        var system = SystemRandomNumberGenerator()
        return Atomic(system.next())
    }()

    static func next() -> UInt64 {
        let seed = state.wrappingAdd(0xa076_1d64_78bd_642f, ordering: .relaxed).newValue
        let product = seed.multipliedFullWidth(by: seed ^ 0xe703_7ed1_a0b4_28db)
        return product.high ^ product.low
    }
}
