@testable import ReelMedia
import XCTest

/// Which rung each rung is scaled from (`ScalingPlan`).
final class ScalingPlanTests: XCTestCase {
    private let ladder = [(1920, 1080), (1280, 720), (854, 480), (640, 360)].map { (width: $0.0, height: $0.1) }

    func testOnlyExactMultiplesCascade() {
        // 360p is half of 720p; 720p and 480p are 3:2 steps and read the source.
        let plan = ScalingPlan(sizes: ladder, workers: [[0], [1], [2], [3]], cascade: true)
        XCTAssertEqual(plan.inputs, [.decoded, .decoded, .decoded, .rung(1)])
        XCTAssertEqual(ScalingPlan(sizes: ladder, workers: [[0], [1, 2, 3]], cascade: true).inputs,
                       [.decoded, .decoded, .decoded, .rung(1)])
    }

    func testPicturesOnlyFlowToTheSameOrALaterThread() {
        // 720p is encoded on a later thread than 360p: 360p takes 1080p (3:1), on its own thread.
        XCTAssertEqual(ScalingPlan(sizes: ladder, workers: [[0, 3], [1, 2]], cascade: true).inputs,
                       [.decoded, .decoded, .decoded, .rung(0)])
        XCTAssertEqual(ScalingPlan(sizes: ladder, workers: [[3], [0, 1, 2]], cascade: true).inputs,
                       [.decoded, .decoded, .decoded, .decoded])
    }

    func testWithoutCascadeEveryRungReadsTheSource() {
        XCTAssertEqual(ScalingPlan(sizes: ladder, workers: [[0], [1], [2], [3]], cascade: false).inputs,
                       Array(repeating: .decoded, count: 4))
    }

    func testFeedersCountTheDecoderAndEachThreadFeedingIn() {
        let workers = [[0], [1], [2], [3]]
        let plan = ScalingPlan(sizes: ladder, workers: workers, cascade: true)  // 360p from 720p
        XCTAssertEqual(workers.map { plan.feeders(of: $0, workers: workers) }, [1, 1, 1, 1])
        // 360p on the 720p thread: its picture never crosses threads.
        let packed = [[0], [1, 2, 3]]
        let shared = ScalingPlan(sizes: ladder, workers: packed, cascade: true)
        XCTAssertEqual(packed.map { shared.feeders(of: $0, workers: packed) }, [1, 1])
        // A thread fed by the decoder and by an earlier thread waits for both.
        let mixed = [[0, 1], [2, 3]]
        let both = ScalingPlan(sizes: ladder, workers: mixed, cascade: true)
        XCTAssertEqual(both.inputs, [.decoded, .decoded, .decoded, .rung(1)])
        XCTAssertEqual(mixed.map { both.feeders(of: $0, workers: mixed) }, [1, 2])
    }

    func testExactMultiple() {
        XCTAssertTrue(ScalingPlan.isExactMultiple((1280, 720), of: (640, 360)))
        XCTAssertTrue(ScalingPlan.isExactMultiple((1920, 1080), of: (640, 360)))
        XCTAssertFalse(ScalingPlan.isExactMultiple((1280, 720), of: (854, 480)))
        XCTAssertFalse(ScalingPlan.isExactMultiple((640, 360), of: (640, 360)))  // same size: no scaling to share
        XCTAssertFalse(ScalingPlan.isExactMultiple((1280, 540), of: (640, 360)))
        XCTAssertFalse(ScalingPlan.isExactMultiple((1280, 720), of: (0, 0)))
    }
}
