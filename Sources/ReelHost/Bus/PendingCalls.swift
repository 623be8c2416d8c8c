import CReelABI
import Foundation
import Logging

/// Calls handed to plugins and not yet replied to. A `reel_reply *` is a
/// token into this table, not a pointer, so a plugin that replies twice or
/// with garbage is logged and ignored instead of crashing the host.
///
/// Deadlines: one sweeper thread for all calls (`DeadlineSweeper`), not a
/// dispatch timer per call (at thousands of calls a second each timer woke a
/// thread once more, `timeout` later, to find its call long answered).
final class PendingCalls: @unchecked Sendable {
    // @unchecked: `calls` and `next` are guarded by `lock`; the rest is immutable.
    static let shared = PendingCalls()

    final class Call {
        let generation: PluginGeneration
        let request: UnsafeMutablePointer<reel_request>
        /// The request's strings and payload (one malloc'ed block).
        let block: UnsafeMutableRawPointer?
        let completion: @Sendable (BusResult) -> Void
        /// Uptime (ns) after which the caller gets DEADLINE_EXCEEDED, and the timeout it came from.
        let deadline: UInt64
        let timeoutSeconds: Double
        var timedOut = false

        init(generation: PluginGeneration, request: UnsafeMutablePointer<reel_request>,
             block: UnsafeMutableRawPointer?, timeout: Double,
             completion: @escaping @Sendable (BusResult) -> Void) {
            self.generation = generation
            self.request = request
            self.block = block
            self.completion = completion
            self.timeoutSeconds = timeout
            let nanos = timeout.isFinite ? UInt64(max(0, min(timeout, 1e9)) * 1e9) : UInt64.max / 2
            self.deadline = DispatchTime.now().uptimeNanoseconds &+ nanos
        }

        /// Frees what the request pointed to; the plugin is done with it.
        func release() {
            free(block)
            request.deinitialize(count: 1)
            request.deallocate()
        }
    }

    private let lock = NSCondition()
    private var calls: [UInt: Call] = [:]
    private var next: UInt = 1
    /// When the sweeper wakes next (uptime ns; .max: no deadline pending).
    private var wakeAt: UInt64 = .max
    private var sweeperStarted = false
    private let logger = Logger(label: "reel.bus")

    /// A new token (never 0, never reused) for `call`, whose deadline the sweeper watches.
    func register(_ call: Call) -> UInt {
        lock.lock()
        defer { lock.unlock() }
        let token = next
        next += 1
        calls[token] = call
        if !sweeperStarted {
            sweeperStarted = true
            startSweeper()
        }
        // Calls with the same timeout come due in order: only an earlier one wakes the sweeper.
        if call.deadline < wakeAt {
            wakeAt = call.deadline
            lock.signal()
        }
        return token
    }

    func complete(token: UInt, with result: BusResult) {
        guard let call = lock.withLock({ calls.removeValue(forKey: token) }) else {
            logger.error("a plugin replied to an unknown or already answered call", metadata: ["token": "\(token)"])
            return
        }
        call.release()
        var answered = result
        answered.servedBy = call.generation.label
        if !call.timedOut { call.completion(answered) }
        call.generation.leave()
    }

    /// Answers the caller with DEADLINE_EXCEEDED but keeps the call (and its
    /// generation) alive until the plugin replies: the plugin may still be
    /// reading the request.
    private func expire(_ call: Call) {
        let seconds = call.timeoutSeconds
        logger.warning("plugin call timed out", metadata: ["plugin": "\(call.generation.label)", "seconds": "\(seconds)"])
        let within = seconds >= 1 ? "\(Int(seconds)) s" : "\(Int((seconds * 1000).rounded())) ms"
        call.completion(.error(.deadlineExceeded, "the service did not answer within \(within)"))
    }

    /// The sweeper: sleeps until the earliest deadline of an unanswered call,
    /// marks the calls past theirs as timed out (under the lock, so a reply
    /// racing it is either answered or dropped, never both) and answers them
    /// outside the lock. It lives as long as the process (`shared`).
    private func startSweeper() {
        let thread = Thread { [self] in
            lock.lock()
            while true {
                let now = DispatchTime.now().uptimeNanoseconds
                var due: [Call] = []
                var earliest = UInt64.max
                if now >= wakeAt {
                    for call in calls.values where !call.timedOut {
                        if call.deadline <= now {
                            call.timedOut = true
                            due.append(call)
                        } else if call.deadline < earliest {
                            earliest = call.deadline
                        }
                    }
                    wakeAt = earliest
                }
                if !due.isEmpty {
                    lock.unlock()
                    due.forEach(expire)
                    lock.lock()
                    continue
                }
                if wakeAt == .max {
                    lock.wait()
                } else {
                    let seconds = Double(wakeAt &- min(now, wakeAt)) / 1e9
                    _ = lock.wait(until: Date(timeIntervalSinceNow: seconds))
                }
            }
        }
        thread.name = "reel-bus-deadlines"
        thread.start()
    }

    var count: Int { lock.withLock { calls.count } }
}
