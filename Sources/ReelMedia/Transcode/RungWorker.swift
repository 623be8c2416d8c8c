import CLibAV
import Foundation
import ReelConcurrency

/// An encoding thread: scales, encodes and muxes its rungs while the calling
/// thread demuxes and decodes, so that rungs encode in parallel. Frames (new
/// references) reach it through a short queue; the calling thread waits when the queue is full.
/// The worker's first error stops it and comes back from the next `submit`
/// or from `finish`. The calling thread touches the rungs again only after
/// the thread has exited (`finish()` or `stop()`).
final class RungWorker {
    private enum Work {
        case frame(UnsafeMutablePointer<AVFrame>, keyframe: Bool)
        case finish

        /// Drops the references the item holds.
        func free() {
            switch self {
            case .frame(let frame, _):
                var frame: UnsafeMutablePointer<AVFrame>? = frame
                av_frame_free(&frame)
            case .finish:
                break
            }
        }
    }

    private struct State: Sendable {
        var queue: [Unshared<Work>] = []
        var error: TranscodeError?
        var stopping = false
        var exited = false
    }

    /// Items waiting at most: a few frames per rung ahead of the encoders.
    static let capacity = 6

    let rungs: [RungOutput]
    private let state = LockedBox(State())

    /// Starts the thread; it owns `rungs` until it exits.
    init(rungs: [RungOutput], name: String) {
        self.rungs = rungs
        let owned = Unshared(rungs)
        let thread = Thread { [state] in
            Thread.current.name = name  // set from inside: Foundation on Linux ignores it before start()
            RungWorker.run(owned.value, state: state)
        }
        thread.start()
    }

    deinit {
        stop()
    }

    /// Queues a new reference to `frame` (its pts already rebased).
    func submit(frame: UnsafeMutablePointer<AVFrame>, keyframe: Bool) throws(TranscodeError) {
        guard let copy = av_frame_clone(frame) else { throw .encoderFailed("out of memory") }
        try submit(.frame(copy, keyframe: keyframe))
    }

    /// Drains the encoders, closes the playlists and waits for the thread.
    func finish() throws(TranscodeError) {
        try submit(.finish)
        let error = state.wait { state -> TranscodeError?? in state.exited ? .some(state.error) : nil }
        if let error { throw error }
    }

    /// Stops the thread after the item in hand (queued items are dropped)
    /// and waits for it. Safe to call more than once.
    func stop() {
        state.withLockWakingWaiters { $0.stopping = true }
        _ = state.wait { state -> Bool? in state.exited ? true : nil }
    }

    private func submit(_ work: Work) throws(TranscodeError) {
        let item = Unshared(work)
        let refusal = state.wait { state -> TranscodeError?? in
            if let error = state.error { return .some(error) }
            if state.exited || state.stopping { return .some(.encoderFailed("the encoding thread has stopped")) }
            guard state.queue.count < Self.capacity else { return nil }
            state.queue.append(item)
            return .some(nil)
        }
        if let refusal {
            work.free()
            throw refusal
        }
        state.withLockWakingWaiters { _ in }  // wake the worker
    }

    /// The thread: takes items in order until `finish`, an error or `stop()`.
    private static func run(_ rungs: [RungOutput], state: LockedBox<State>) {
        var failure: TranscodeError?
        while failure == nil {
            let next = state.wait { state -> Unshared<Work>?? in
                if state.stopping { return .some(nil) }
                return state.queue.isEmpty ? nil : .some(state.queue.removeFirst())
            }
            state.withLockWakingWaiters { _ in }  // room in the queue: wake the caller
            guard let work = next?.value else { break }
            defer { work.free() }
            do throws(TranscodeError) {
                switch work {
                case .frame(let frame, let keyframe):
                    for rung in rungs { try rung.encode(frame, keyframe: keyframe) }
                case .finish:
                    for rung in rungs { try rung.finish() }
                }
            } catch {
                failure = error
            }
            if case .finish = work { break }
        }
        state.withLockWakingWaiters { state in
            for item in state.queue { item.value.free() }
            state.queue = []
            state.error = state.error ?? failure
            state.exited = true
        }
    }
}
