import CReelABI
import Foundation
import Logging

/// Calls handed to plugins and not yet replied to. A `reel_reply *` is a
/// token into this table, not a pointer, so a plugin that replies twice or
/// with garbage is logged and ignored instead of crashing the host.
final class PendingCalls: Sendable {
    static let shared = PendingCalls()

    final class Call {
        let generation: PluginGeneration
        let request: UnsafeMutablePointer<reel_request>
        let allocations: [UnsafeMutableRawPointer?]
        let completion: @Sendable (BusResult) -> Void
        var timedOut = false

        init(generation: PluginGeneration, request: UnsafeMutablePointer<reel_request>,
             allocations: [UnsafeMutableRawPointer?], completion: @escaping @Sendable (BusResult) -> Void) {
            self.generation = generation
            self.request = request
            self.allocations = allocations
            self.completion = completion
        }

        /// Frees what the request pointed to; the plugin is done with it.
        func release() {
            for allocation in allocations { free(allocation) }
            request.deinitialize(count: 1)
            request.deallocate()
        }
    }

    private let calls = TokenTable<Call>()
    private let logger = Logger(label: "reel.bus")

    func register(_ call: Call) -> UInt { calls.register(call) }

    func complete(token: UInt, with result: BusResult) {
        guard let call = calls.remove(token) else {
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
    func expire(token: UInt, after seconds: Double) {
        guard let call = calls.withValue(token, { call -> Call? in
            guard !call.timedOut else { return nil }
            call.timedOut = true
            return call
        }) else { return }
        logger.warning("plugin call timed out", metadata: ["plugin": "\(call.generation.label)", "seconds": "\(seconds)"])
        let within = seconds >= 1 ? "\(Int(seconds)) s" : "\(Int((seconds * 1000).rounded())) ms"
        call.completion(.error(.deadlineExceeded, "the service did not answer within \(within)"))
    }

    var count: Int { calls.count }
}
