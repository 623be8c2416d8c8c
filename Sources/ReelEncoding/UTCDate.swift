import Foundation

/// Dates as text, in UTC, with Foundation's format styles (one place for the
/// formats Reel writes).
public enum UTCDate {
    /// "1994-11-06": a calendar day.
    public static func day(_ date: Date) -> String { date.formatted(dayStyle) }

    /// "19941106": a day without separators (AWS SigV4's credential scope).
    public static func compactDay(_ date: Date) -> String { date.formatted(compactDayStyle) }

    /// "19941106T084937Z" (AWS SigV4's X-Amz-Date).
    public static func compactTimestamp(_ date: Date) -> String { date.formatted(compactTimestampStyle) }

    /// "1994-11-06T08:49:37Z" (ISO 8601, whole seconds).
    public static func iso8601(_ date: Date) -> String { date.formatted(iso8601Style) }

    /// "Sun, 06 Nov 1994 08:49:37 GMT": RFC 9110's IMF-fixdate (HTTP headers).
    /// Written by hand with gmtime_r: media answers carry it (Last-Modified)
    /// on every request, where a format style cost more than the rest of
    /// the answer.
    public static func http(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        guard gmtime_r(&seconds, &t) != nil, t.tm_year + 1900 >= 0, t.tm_year + 1900 <= 9999 else {
            return date.formatted(httpStyle)
        }
        // 29 bytes written in place: no array, no table built per call.
        return String(unsafeUninitializedCapacity: 29) { text in
            var at = 0
            func put(_ byte: UInt8) { text[at] = byte; at += 1 }
            func name(_ table: StaticString, _ index: Int32) {
                let start = table.utf8Start + 3 * Int(index)
                for i in 0..<3 { put(start[i]) }
            }
            func digits(_ value: Int32, _ count: Int) {
                var divisor: Int32 = 1
                for _ in 1..<count { divisor *= 10 }
                while divisor > 0 {
                    put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                    divisor /= 10
                }
            }
            name("SunMonTueWedThuFriSat", t.tm_wday)
            put(UInt8(ascii: ",")); put(UInt8(ascii: " "))
            digits(t.tm_mday, 2)
            put(UInt8(ascii: " "))
            name("JanFebMarAprMayJunJulAugSepOctNovDec", t.tm_mon)
            put(UInt8(ascii: " "))
            digits(t.tm_year + 1900, 4)
            put(UInt8(ascii: " "))
            digits(t.tm_hour, 2)
            put(UInt8(ascii: ":"))
            digits(t.tm_min, 2)
            put(UInt8(ascii: ":"))
            digits(t.tm_sec, 2)
            for byte in " GMT".utf8 { put(byte) }
            return at
        }
    }

    private static let dayStyle = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()
    private static let compactDayStyle = Date.ISO8601FormatStyle(dateSeparator: .omitted, timeZone: .gmt).year().month().day()
    private static let compactTimestampStyle = Date.ISO8601FormatStyle(dateSeparator: .omitted, timeSeparator: .omitted,
                                                                       timeZone: .gmt)
    private static let iso8601Style = Date.ISO8601FormatStyle(timeZone: .gmt)
    private static let httpStyle = Date.VerbatimFormatStyle(
        format: """
            \(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \
            \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT
            """,
        locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: Calendar(identifier: .gregorian))
}
