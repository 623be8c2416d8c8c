import ReelConcurrency
import CLibAV

/// Why a probe stopped early: its deadline passed or its task was cancelled.
enum StopReason: Sendable, Equatable {
    case timedOut, cancelled
}

/// A deadline (optional) and a cancellation flag, checked by libav between
/// I/O calls (through `callback`) and by ReelMedia's own loops (through
/// `stopReason`). Probes use both; transcodes only the flag.
final class Interrupt: Sendable {
    /// The budget from creation to the deadline; nil: no deadline.
    let timeout: Duration?
    private let deadline: ContinuousClock.Instant?
    private let isCancelled = LockedBox(false)

    init(timeout: Duration) {
        self.timeout = timeout
        deadline = .now + timeout
    }

    /// No deadline: stops only when cancelled.
    init() {
        timeout = nil
        deadline = nil
    }

    func cancel() {
        isCancelled.withLock { $0 = true }
    }

    var stopReason: StopReason? {
        if isCancelled.withLock({ $0 }) { return .cancelled }
        guard let deadline else { return nil }
        return ContinuousClock.now >= deadline ? .timedOut : nil
    }

    /// The AVIOInterruptCB for libav: a nonzero return makes the blocked call
    /// fail with AVERROR_EXIT. Its `opaque` is unretained: the caller keeps
    /// `self` alive while any libav context holding the callback is open.
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                let interrupt = Unmanaged<Interrupt>.fromOpaque(opaque).takeUnretainedValue()
                return interrupt.stopReason == nil ? 0 : 1
            },
            opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}
