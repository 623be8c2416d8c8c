import CReelABI
import Foundation

// MARK: - Trace context on a plugin's own threads (ABI 1.4)

extension HostAPI {
    static func addTrace(_ table: UnsafeMutablePointer<reel_host_api>) {
        table.pointee.trace_current = hostTraceCurrent
        table.pointee.trace_adopt = hostTraceAdopt
    }
}

private let hostTraceCurrent: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int) -> Int = { _, buffer, size in
    let traceparent = CurrentTrace.hosted?.traceparent ?? ""
    if let buffer, size > 0 {
        let bytes = Array(traceparent.utf8.prefix(size - 1))
        bytes.withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { buffer.update(from: base, count: chars.count) }
            }
        }
        buffer[bytes.count] = 0
    }
    return traceparent.utf8.count
}

private let hostTraceAdopt: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void = { _, traceparent in
    guard let traceparent, let parsed = TraceContext.parse(String(cString: traceparent)) else {
        return CurrentTrace.adopt(nil)
    }
    CurrentTrace.adopt(TraceContext(traceId: parsed.traceId, spanId: parsed.spanId, parentSpanId: nil,
                                    flags: parsed.flags, state: nil))
}
