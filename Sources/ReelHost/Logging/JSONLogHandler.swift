import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to stderr:
/// {"ts":"…","level":"info","logger":"reel.http","msg":"…", …metadata}.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String) {
        self.label = label
        if let level = ProcessInfo.processInfo.environment["REEL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) {
            logLevel = level
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: Any] = [
            "ts": LogClock.timestamp(),
            "level": event.level.rawValue,
            "logger": label,
            "msg": event.message.description,
        ]
        if let error = event.error { fields["error"] = "\(error)" }
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = Self.plain(value)
        }
        LogSink.write(fields)
    }

    static func plain(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c):
            if let n = c as? Int { return n }
            if let d = c as? Double { return d }
            if let b = c as? Bool { return b }
            return c.description
        case .array(let a): return a.map(plain)
        case .dictionary(let d): return d.mapValues(plain)
        }
    }
}

/// Serialises log lines so concurrent writers never interleave.
enum LogSink {
    private static let lock = NSLock()

    static func write(_ fields: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        write(Array(data) + [0x0A])
    }

    /// One complete line (newline included), written to stderr at once.
    /// Lines up to PIPE_BUF go out in one write(2) without the lock (atomic
    /// on a pipe; on a file, the kernel serialises writes to one open file),
    /// so the I/O threads do not queue behind each other's log writes.
    static func write(_ line: [UInt8]) {
        let locked = line.count > Int(PIPE_BUF)
        if locked { lock.lock() }
        defer { if locked { lock.unlock() } }
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}

/// Written by hand, not with UTCDate's format styles: it runs for every log
/// line (an access-log line per request), where a format style costs
/// several times as much.
enum LogClock {
    /// "2026-11-24T23:45:29.123Z" (UTC, milliseconds).
    static func timestamp() -> String {
        var (text, millis) = now()
        text.reserveCapacity(24)
        text.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "0") + UInt8(millis / 100)))
        text.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "0") + UInt8(millis / 10 % 10)))
        text.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "0") + UInt8(millis % 10)))
        text.unicodeScalars.append("Z")
        return text
    }

    /// The time now: "2026-11-24T23:45:29." and the milliseconds (the
    /// access log writes them into its line, with no String per line).
    static func now() -> (prefix: String, millis: Int) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        // The date and time to the second change once a second: made then,
        // and only the milliseconds written per line (every request logs one).
        return (SecondCache.prefix(now.tv_sec) ?? format(now.tv_sec), Int(now.tv_nsec / 1_000_000))
    }

    /// "2026-11-24T23:45:29." for these seconds since 1970 (remembered).
    private static func format(_ seconds: Int) -> String {
        var seconds = seconds
        var tm = tm()
        gmtime_r(&seconds, &tm)
        var text = [UInt8]()
        text.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int, then separator: UInt8?) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
            if let separator { text.append(separator) }
        }
        digits(Int(tm.tm_year) + 1900, 4, then: UInt8(ascii: "-"))
        digits(Int(tm.tm_mon) + 1, 2, then: UInt8(ascii: "-"))
        digits(Int(tm.tm_mday), 2, then: UInt8(ascii: "T"))
        digits(Int(tm.tm_hour), 2, then: UInt8(ascii: ":"))
        digits(Int(tm.tm_min), 2, then: UInt8(ascii: ":"))
        digits(Int(tm.tm_sec), 2, then: UInt8(ascii: "."))
        let prefix = String(decoding: text, as: UTF8.self)
        SecondCache.store(seconds, prefix)
        return prefix
    }

    /// The last second formatted, shared by every thread (one short lock).
    private enum SecondCache {
        private static let lock = NSLock()
        nonisolated(unsafe) private static var second = -1
        nonisolated(unsafe) private static var text = ""

        static func prefix(_ seconds: Int) -> String? {
            lock.withLock { second == seconds ? text : nil }
        }

        static func store(_ seconds: Int, _ prefix: String) {
            lock.withLock {
                second = seconds
                text = prefix
            }
        }
    }
}

public enum ReelLogging {
    /// Installs the JSON handler for every Logger in the process (once).
    public static func bootstrap() {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
    }
}
