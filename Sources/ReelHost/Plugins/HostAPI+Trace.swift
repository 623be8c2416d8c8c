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
    var traceparent = CurrentTrace.hosted?.traceparent ?? ""
    return traceparent.withUTF8 { utf8 in
        if let buffer, size > 0 {
            let count = min(utf8.count, size - 1)
            if let base = utf8.baseAddress {
                UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: count)
            }
            buffer[count] = 0
        }
        return utf8.count
    }
}

private let hostTraceAdopt: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void = { _, traceparent in
    guard let traceparent, let parsed = TraceContext.parse(String(cString: traceparent)) else {
        return CurrentTrace.adopt(nil)
    }
    CurrentTrace.adopt(TraceContext(traceId: parsed.traceId, spanId: parsed.spanId, parentSpanId: nil,
                                    flags: parsed.flags, state: nil))
}
