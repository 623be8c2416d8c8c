import CReelABI

/// The trace a Swift plugin's work belongs to, carried across its tasks.
///
/// The host knows the trace only on the host thread that runs the plugin's
/// entry point (handle, on_event, the HTTP hooks). The kit reads it there
/// (ABI 1.4 `trace_current`) and binds it to a task-local around the entry
/// point, so every task the handler creates, and their child tasks, carry
/// it; `PluginHost.log`, `call` and `publish` adopt it on whatever thread
/// they run (`trace_adopt`), so log lines keep traceId/spanId and bus calls
/// stay child spans of the request. `Task.detached` starts without it.
public enum PluginTrace {
    /// The W3C traceparent of the call this task works for, if any.
    @TaskLocal public static var traceparent: String?

    /// Runs an entry point's body with the calling host thread's trace bound.
    static func bind<T>(_ host: PluginHost?, _ body: () -> T) -> T {
        guard let host, let current = host.traceFunctions?.current else { return body() }
        // One call into a stack buffer (a traceparent is 55 bytes); a longer
        // one (a later version's) is asked for again at its length.
        var length = 0
        var traceparent = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 128) { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            length = current(host.host, base, buffer.count)
            guard length > 0, length < buffer.count else { return nil }
            return base.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
        }
        if traceparent == nil && length >= 128 {
            var buffer = [CChar](repeating: 0, count: length + 1)
            _ = current(host.host, &buffer, buffer.count)
            traceparent = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let traceparent else { return body() }
        return $traceparent.withValue(traceparent, operation: body)
    }
}

extension PluginHost {
    typealias TraceFunctions = (current: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int) -> Int,
                                adopt: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void)

    /// trace_current and trace_adopt, on a 1.4 host.
    var traceFunctions: TraceFunctions? {
        let table = api.pointee
        guard table.abi_minor >= 4, let current = table.trace_current, let adopt = table.trace_adopt else { return nil }
        return (current, adopt)
    }

    /// Runs a host call (log, bus call, publish) in the task's trace: on a
    /// thread of the plugin's own the trace is adopted for the call only. A
    /// host thread running a traced entry point already carries its own.
    func inTaskTrace<T>(_ body: () -> T) -> T {
        guard let traceparent = PluginTrace.traceparent, let functions = traceFunctions,
              functions.current(host, nil, 0) == 0 else { return body() }
        functions.adopt(host, traceparent)
        defer { functions.adopt(host, nil) }
        return body()
    }
}
