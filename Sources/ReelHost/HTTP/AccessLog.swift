import Foundation

/// One JSON line per finished request.
enum AccessLog {
    static func write(_ context: RequestContext) {
        let micros = (DispatchTime.now().uptimeNanoseconds &- context.startedNanos) / 1000
        var fields: [String: Any] = [
            "ts": LogClock.timestamp(),
            "level": "info",
            "logger": "reel.access",
            "msg": "request",
            "requestId": context.requestId,
            "method": context.method,
            "path": context.path,
            "status": context.sentStatus,
            "bytes": context.sentBytes,
            "durationMs": Double(micros) / 1000,
            "remote": context.remoteAddress,
        ]
        if context.sentStatus == 0 { fields["status"] = 499 } // the client left before an answer
        if let served = context.servedBy { fields["plugin"] = served }
        LogSink.write(fields)
    }
}
