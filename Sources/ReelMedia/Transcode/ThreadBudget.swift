/// How `TranscodeOptions.threads` is shared. The calling thread demuxes and
/// decodes; each rung is scaled, encoded and muxed on an encoding thread
/// (`RungWorker`), where a libx264 given one thread runs inline and one
/// given k ≥ 2 runs on k threads of its own.
///
/// With a budget of T: every rung gets libx264 threads in proportion to its
/// picture area, at least one each, the remainder to the largest rungs; with
/// fewer threads than rungs, the rungs share T encoding threads (balanced by
/// area), each libx264 on one. The decoder gets one (the calling thread)
/// below 8, T/8 from there. T = 0 leaves every count to libav, with one
/// encoding thread per rung.
struct ThreadBudget: Equatable {
    /// The video decoder's thread_count (0: libav's choice).
    var decoder: Int
    /// libx264's thread_count, one per rung in the ladder's order.
    var rungs: [Int]
    /// Rung indexes per encoding thread.
    var workers: [[Int]]

    init(total: Int, rungAreas: [Int]) {
        let count = rungAreas.count
        let areas = rungAreas.map { max(1, $0) }
        guard total > 0, count > 0 else {  // (no rungs: an audio-only source)
            decoder = 0
            rungs = Array(repeating: 0, count: count)
            workers = areas.indices.map { [$0] }
            return
        }
        decoder = total >= 8 ? total / 8 : 1
        let largestFirst = areas.indices.sorted { areas[$0] > areas[$1] }
        guard total >= count else {
            // Fewer threads than rungs: pack them, largest first onto the least loaded.
            rungs = Array(repeating: 1, count: count)
            var groups = Array(repeating: (load: 0, members: [Int]()), count: max(1, total))
            for index in largestFirst {
                let lightest = groups.indices.min { groups[$0].load < groups[$1].load } ?? 0
                groups[lightest].load += areas[index]
                groups[lightest].members.append(index)
            }
            workers = groups.map { $0.members.sorted() }.filter { !$0.isEmpty }
            return
        }
        // One each, then what is left by area, then the rounding to the largest.
        let sum = Double(areas.reduce(0, +)), extra = total - count
        var split = areas.map { 1 + Int(Double(extra) * Double($0) / sum) }
        var left = total - split.reduce(0, +)
        while left > 0 {
            for index in largestFirst where left > 0 {
                split[index] += 1
                left -= 1
            }
        }
        rungs = split
        workers = areas.indices.map { [$0] }
    }
}
