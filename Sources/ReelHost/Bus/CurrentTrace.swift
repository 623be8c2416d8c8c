import Foundation

/// The trace of the bus call, event or raw HTTP exchange a host thread is
/// running plugin code for (set around handle(), on_event() and the
/// http_* hooks). What the plugin does from that thread — log, call the bus,
/// publish — carries the trace with no ABI field: a nested call becomes a
/// child span, a log line gets traceId/spanId. Work a plugin moves to its
/// own threads takes the trace along through ABI 1.4's `trace_current` and
/// `trace_adopt`: an adopted trace is this thread's until adopted again
/// (the Swift kit adopts around each log line, bus call and publish of a
/// task that carries one).
enum CurrentTrace {
    private final class Box {
        let trace: TraceContext
        init(_ trace: TraceContext) { self.trace = trace }
    }

    /// The trace the host runs plugin code for on this thread.
    private static let hostedSlot = ThreadSlot<Box>()
    /// What a plugin adopted on one of its own threads (trace_adopt).
    private static let adoptedSlot = ThreadSlot<Box>()

    /// The trace set on this thread, if any: the one the host runs plugin
    /// code for, else one the plugin adopted.
    static var value: TraceContext? {
        (hostedSlot.value ?? adoptedSlot.value)?.trace
    }

    /// The host runs plugin code for a trace on this thread (not adopted).
    static var hosted: TraceContext? {
        hostedSlot.value?.trace
    }

    /// trace_adopt: this thread works for `trace` from now on (nil: none).
    static func adopt(_ trace: TraceContext?) {
        adoptedSlot.value = trace.map(Box.init)
    }

    /// Runs `body` with `trace` set on this thread (restored afterwards).
    static func with<T>(_ trace: TraceContext?, _ body: () -> T) -> T {
        guard let trace else { return body() }
        let previous = hostedSlot.value
        hostedSlot.value = Box(trace)
        defer { hostedSlot.value = previous }
        return body()
    }
}
