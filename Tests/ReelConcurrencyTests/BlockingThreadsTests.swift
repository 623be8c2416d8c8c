import Foundation
import ReelConcurrency
import XCTest

final class BlockingThreadsTests: XCTestCase {
    /// Jobs run on the pool's own threads, never more than `limit` at once,
    /// and every queued job runs. (Thread names are best-effort on Linux.)
    func testBoundedThreadsRunEveryJob() async {
        let pool = BlockingThreads(name: "reel-test", limit: 2)
        let state = LockedBox((running: 0, peak: 0, ran: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        pool.submit {
                            state.withLock {
                                $0.running += 1
                                $0.peak = max($0.peak, $0.running)
                                $0.ran += 1
                            }
                            usleep(20_000)
                            state.withLock { $0.running -= 1 }
                            continuation.resume()
                        }
                    }
                }
            }
        }
        let (running, peak, ran) = state.withLock { ($0.running, $0.peak, $0.ran) }
        XCTAssertEqual(running, 0)
        XCTAssertEqual(peak, 2)
        XCTAssertEqual(ran, 8)
    }
}
