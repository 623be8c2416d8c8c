import Foundation

/// The trace of the bus call, event or raw HTTP exchange a host thread is
/// running plugin code for (set around handle(), on_event() and the
/// http_* hooks). What the plugin does from that thread — log, call the bus,
/// publish — carries the trace with no ABI field: a nested call becomes a
/// child span, a log line gets traceId/spanId. Work a plugin moves to its
/// own threads (the Swift kit's tasks) is not covered; that needs the trace
/// in reel_request (an ABI field, see README "Observe it").
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

    /// The trace set on this thread, if any.
    static var value: TraceContext? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().trace
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
