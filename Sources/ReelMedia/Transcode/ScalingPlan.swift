/// Where each rung's scaler reads its pictures from. Scaling every rung from
/// the source (as the CLI's `split` + `scale` does) runs libswscale's
/// horizontal filter over every source line once per rung; a rung whose
/// size divides a larger rung's exactly (720p → 360p, 2:1 both ways) is
/// scaled from that rung's picture instead, reading a fraction of the
/// pixels. Only exact ratios cascade: bicubic 720p → 360p is within 61 dB
/// of bicubic 1080p → 360p, while a 3:2 step (720p → 480p) is only 56 dB
/// from the direct picture and cost 0.5 dB after encoding
/// (`tools/bench ladder-quality` prints every rung's PSNR/SSIM against the
/// CLI's). The larger rung must be encoded on the same encoding thread or
/// an earlier one (pictures only flow to later threads: `RungWorker`);
/// otherwise, and for every other rung, the decoded frames are the input.
struct ScalingPlan: Equatable {
    enum Input: Hashable, Sendable {
        /// The decoded source frames.
        case decoded
        /// The picture of the rung at this ladder index.
        case rung(Int)
    }

    /// One per rung, in the ladder's order.
    var inputs: [Input]

    /// `sizes` are the rungs' (width, height) in the ladder's order;
    /// `workers` the rung indexes per encoding thread (`ThreadBudget.workers`).
    init(sizes: [(width: Int, height: Int)], workers: [[Int]], cascade: Bool) {
        var workerOf: [Int: Int] = [:]
        for (worker, members) in workers.enumerated() {
            for index in members { workerOf[index] = worker }
        }
        inputs = sizes.indices.map { index in
            guard cascade, let own = workerOf[index] else { return .decoded }
            // The smallest earlier rung that is an exact multiple (2× or more) of this one.
            let parent = (0..<index).reversed().first { candidate in
                guard let worker = workerOf[candidate], worker <= own else { return false }
                return Self.isExactMultiple(sizes[candidate], of: sizes[index])
            }
            return parent.map { .rung($0) } ?? .decoded
        }
    }

    /// How many feeders the encoding thread hosting the rungs `members` has:
    /// the decoder (the calling thread) if any of them takes decoded frames,
    /// plus each other thread hosting a rung one of them is scaled from.
    func feeders(of members: [Int], workers: [[Int]]) -> Int {
        let decoded = members.contains { inputs[$0] == .decoded } ? 1 : 0
        let others = workers.filter { other in
            other != members && members.contains { member in other.contains { inputs[member] == .rung($0) } }
        }
        return decoded + others.count
    }

    /// Whether `large` is `small` scaled by the same whole factor k ≥ 2 both ways.
    static func isExactMultiple(_ large: (width: Int, height: Int), of small: (width: Int, height: Int)) -> Bool {
        guard small.width > 0, small.height > 0, large.width % small.width == 0, large.height % small.height == 0
        else { return false }
        let factor = large.width / small.width
        return factor >= 2 && large.height / small.height == factor
    }
}
