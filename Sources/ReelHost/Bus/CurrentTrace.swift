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

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// What a plugin adopted on one of its own threads (trace_adopt).
    private static let adoptedKey: pthread_key_t = {
        var key = pthread_key_t()
        // The thread's box is released when the thread exits.
        pthread_key_create(&key) { raw in if let raw { Unmanaged<Box>.fromOpaque(raw).release() } }
        return key
    }()

    /// The trace set on this thread, if any: the one the host runs plugin
    /// code for, else one the plugin adopted.
    static var value: TraceContext? {
        guard let raw = pthread_getspecific(key) ?? pthread_getspecific(adoptedKey) else { return nil }
        return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().trace
    }

    /// The host runs plugin code for a trace on this thread (not adopted).
    static var hosted: TraceContext? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().trace
    }

    /// trace_adopt: this thread works for `trace` from now on (nil: none).
    static func adopt(_ trace: TraceContext?) {
        let previous = pthread_getspecific(adoptedKey)
        pthread_setspecific(adoptedKey, trace.map { Unmanaged.passRetained(Box($0)).toOpaque() })
        if let previous { Unmanaged<Box>.fromOpaque(previous).release() }
    }

    /// Runs `body` with `trace` set on this thread (restored afterwards).
    static func with<T>(_ trace: TraceContext?, _ body: () -> T) -> T {
        guard let trace else { return body() }
        let previous = pthread_getspecific(key)
        let box = Unmanaged.passRetained(Box(trace))
        pthread_setspecific(key, box.toOpaque())
        defer {
            pthread_setspecific(key, previous)
            box.release()
        }
        return body()
    }
}
