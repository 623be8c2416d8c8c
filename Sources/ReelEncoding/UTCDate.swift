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
    public static func http(_ date: Date) -> String { date.formatted(httpStyle) }

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
