@testable import AuthCore
import XCTest

final class PasswordHasherTests: XCTestCase {
    func testHashesAreEncodedArgon2idWithRandomSalts() async throws {
        let hasher = PasswordHasher()
        let first = try await hasher.hash("correct horse battery")
        let second = try await hasher.hash("correct horse battery")
        XCTAssertTrue(first.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"), first)
        XCTAssertNotEqual(first, second)
        let verified = await hasher.verify("correct horse battery", encoded: first)
        let wrong = await hasher.verify("correct horse battery!", encoded: first)
        let garbage = await hasher.verify("correct horse battery", encoded: "$argon2id$nonsense")
        XCTAssertTrue(verified)
        XCTAssertFalse(wrong)
        XCTAssertFalse(garbage)
    }

    func testCanonicallyEquivalentPasswordsMatch() async throws {
        let hasher = PasswordHasher()
        let composed = "caf\u{e9} au lait!"
        let decomposed = "cafe\u{301} au lait!"
        let hash = try await hasher.hash(composed)
        let verified = await hasher.verify(decomposed, encoded: hash)
        XCTAssertTrue(verified)
    }

    func testTheGateLimitsConcurrency() async {
        let gate = ConcurrencyGate(limit: 2)
        let counter = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await gate.acquire()
                    await counter.enter()
                    try? await Task.sleep(for: .milliseconds(20))
                    await counter.leave()
                    await gate.release()
                }
            }
        }
        let peak = await counter.peak
        XCTAssertEqual(peak, 2)
    }
}

private actor Counter {
    var current = 0
    var peak = 0
    func enter() {
        current += 1
        peak = max(peak, current)
    }
    func leave() { current -= 1 }
}
