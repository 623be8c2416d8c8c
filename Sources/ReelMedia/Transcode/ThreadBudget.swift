/// How `TranscodeOptions.threads` is shared. The calling thread demuxes and
/// decodes; each rung is scaled, encoded and muxed on an encoding thread
/// (`RungWorker`), where a libx264 given one thread runs inline and one
/// given k ≥ 2 runs on k frame threads of its own.
///
/// With a budget of T ≥ 2 (the cores the job may keep busy): every rung
/// encodes on a thread of its own, so that all rungs move together and the
/// scheduler shares the cores between them, and each libx264 gets ⌈T × its
/// rung's share of the ladder's picture area⌉ threads: 1080p (57 % of a
/// 1080p–360p ladder's area) gets 2 on 2 cores, every smaller rung 1.
/// Frame threads cost CPU (their synchronisation, the slack of each thread's
/// motion search, a lookahead thread, more frames in flight); a rung that
/// needs less than a core encodes on one, and only a rung whose share
/// exceeds a core gets more, so that it does not hold up the others at the
/// end. T = 1 puts every rung on one thread. The decoder gets one thread
/// (the calling thread) below 8, T/8 from there. T = 0 leaves every count to
/// libav, with one encoding thread per rung.
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
        guard total >= 2 else {
            rungs = Array(repeating: 1, count: count)
            workers = [Array(areas.indices)]
            return
        }
        let sum = Double(areas.reduce(0, +))
        // (A hair below the product, so that an exact share of whole cores is not rounded up.)
        rungs = areas.map { max(1, Int((Double(total) * Double($0) / sum - 1e-9).rounded(.up))) }
        workers = areas.indices.map { [$0] }
    }
}
