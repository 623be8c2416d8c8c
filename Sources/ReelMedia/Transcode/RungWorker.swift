import CLibAV
import Foundation
import ReelConcurrency

/// An encoding thread: scales, encodes and muxes its rungs while the calling
/// thread demuxes and decodes, so that rungs encode in parallel. Pictures
/// (new references) reach it through a short queue; the sender waits when
/// the queue is full. Each picture is tagged with where it comes from (the
/// decoder, or a larger rung: `ScalingPlan`); the worker encodes it into
/// each of its rungs fed from there, and passes each rung's own picture on
/// to the rungs scaled from it: inline for its own, through `submit` for
/// those of a later worker (pictures only flow to later workers, so the
/// waits cannot form a cycle, and finishing the workers in order drains them).
/// Closing is passed on the same way: a worker flushes its encoders once
/// every feeder (the decoder, earlier workers) has closed it, after closing
/// the later workers it feeds itself, so that every rung drains its encoder
/// at the same time instead of each waiting for the one before.
/// The worker's first error stops it and comes back from the next `submit`
/// or from `join`. The calling thread touches the rungs again only after
/// the thread has exited (`join()` or `stop()`).
final class RungWorker: Sendable {
    /// One rung on this worker: its index in the ladder, where its input
    /// comes from, and what it encodes with.
    struct Member {
        var index: Int
        var input: ScalingPlan.Input
        var output: RungOutput
    }

    private enum Work {
        case frame(UnsafeMutablePointer<AVFrame>, keyframe: Bool, from: ScalingPlan.Input)
        case finish

        /// Drops the references the item holds.
        func free() {
            switch self {
            case .frame(let frame, _, _):
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

    /// Items waiting at most: enough frames ahead of each encoder that a
    /// rung running late (the largest) does not stall the decoder, and with
    /// it every other rung, at each hiccup.
    static let capacity = 12

    /// Where this worker's rungs are fed from.
    let inputs: Set<ScalingPlan.Input>
    private let state = LockedBox(State())

    /// Starts the thread; it owns `members` until it exits. `later` are the
    /// workers that host rungs fed from this worker's rungs (each created before this one).
    /// `feeders`: how many closes it waits for before draining (the calling
    /// thread's, if a member takes decoded frames, plus one per earlier worker feeding it).
    init(members: [Member], later: [RungWorker], feeders: Int, name: String) {
        inputs = Set(members.map(\.input))
        let owned = Unshared((members, later))
        let thread = Thread { [state] in
            Thread.current.name = name  // set from inside: Foundation on Linux ignores it before start()
            RungWorker.run(owned.value.0, later: owned.value.1, feeders: feeders, state: state)
        }
        thread.start()
    }

    deinit {
        stop()
    }

    /// Queues a new reference to `frame` (its pts already rebased), coming from `input`.
    func submit(frame: UnsafeMutablePointer<AVFrame>, keyframe: Bool, from input: ScalingPlan.Input = .decoded) throws(TranscodeError) {
        guard let copy = av_frame_clone(frame) else { throw .encoderFailed("out of memory") }
        try submit(.frame(copy, keyframe: keyframe, from: input))
    }

    /// One feeder is done: after the last, the worker closes the later
    /// workers it feeds, drains its encoders and closes its playlists.
    func close() throws(TranscodeError) {
        try submit(.finish)
    }

    /// Waits for the thread to exit; its error, if it failed. Join workers
    /// in order: a worker exits only once all its feeders (earlier) closed it.
    func join() throws(TranscodeError) {
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
    private static func run(_ members: [Member], later: [RungWorker], feeders: Int, state: LockedBox<State>) {
        let router = Router(members: members, later: later)
        var failure: TranscodeError?, closes = 0
        while failure == nil {
            let next = state.wait { state -> Unshared<Work>?? in
                if state.stopping { return .some(nil) }
                return state.queue.isEmpty ? nil : .some(state.queue.removeFirst())
            }
            state.withLockWakingWaiters { _ in }  // room in the queue: wake the sender
            guard let work = next?.value else { break }
            defer { work.free() }
            do throws(TranscodeError) {
                switch work {
                case .frame(let frame, let keyframe, let input):
                    try router.encode(frame, keyframe: keyframe, from: input)
                case .finish:
                    closes += 1
                    if closes >= feeders {
                        // Every picture for the later workers has been sent: let them drain alongside.
                        for worker in router.fed { try worker.close() }
                        for member in members { try member.output.finish() }
                    }
                }
            } catch {
                failure = error
            }
            if case .finish = work, closes >= feeders { break }
        }
        state.withLockWakingWaiters { state in
            for item in state.queue { item.value.free() }
            state.queue = []
            state.error = state.error ?? failure
            state.exited = true
        }
    }

    /// Hands a picture to the rungs fed from where it comes from, and each
    /// of their pictures on to the rungs fed from them.
    private struct Router {
        let members: [Member]
        /// For each ladder index here: the later workers hosting rungs fed from it.
        let remote: [Int: [RungWorker]]
        /// Every later worker fed from here, once each.
        let fed: [RungWorker]

        init(members: [Member], later: [RungWorker]) {
            self.members = members
            var remote: [Int: [RungWorker]] = [:]
            for member in members {
                remote[member.index] = later.filter { $0.inputs.contains(.rung(member.index)) }
            }
            self.remote = remote
            fed = later.filter { worker in members.contains { worker.inputs.contains(.rung($0.index)) } }
        }

        func encode(_ picture: UnsafeMutablePointer<AVFrame>, keyframe: Bool,
                    from input: ScalingPlan.Input) throws(TranscodeError) {
            for member in members where member.input == input {
                try member.output.encode(picture, keyframe: keyframe) { own throws(TranscodeError) in
                    for worker in remote[member.index] ?? [] {
                        try worker.submit(frame: own, keyframe: keyframe, from: .rung(member.index))
                    }
                    try encode(own, keyframe: keyframe, from: .rung(member.index))
                }
            }
        }
    }
}
