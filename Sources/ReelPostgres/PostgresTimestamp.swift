import Foundation

/// `timestamptz` / `timestamp` / `date` in PostgreSQL's ISO text format,
/// with microsecond precision. Written by hand (no formatter objects): it is
/// fast, Sendable, and independent of the process's locale and time zone.
enum PostgresTimestamp {
    private static let microsPerSecond: Int64 = 1_000_000
    private static let microsPerDay: Int64 = 86_400 * microsPerSecond

    /// `2024-05-06 07:08:09.123456+00` (UTC), `0044-03-15 … BC`, or ±`infinity`.
    static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * Double(microsPerSecond)).rounded()
        guard micros.isFinite, abs(micros) < 9e18 else {
            return micros < 0 ? "-infinity" : "infinity"
        }
        let total = Int64(micros)
        let days = floorDivide(total, microsPerDay)
        let microOfDay = total - days * microsPerDay
        let (year, month, day) = civil(fromDays: days)
        let secondOfDay = microOfDay / microsPerSecond
        let isBC = year <= 0
        var text = pad(isBC ? 1 - year : year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += " " + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        text += "." + pad(microOfDay % microsPerSecond, 6) + "+00"
        if isBC { text += " BC" }
        return text
    }

    /// Parses the server's ISO output (`DateStyle` ISO, which every
    /// connection sets): a date, optionally a time with up to 6 fraction
    /// digits, optionally a UTC offset (`+05`, `-03:30`, `+00:53:28`, `Z`;
    /// none means UTC), optionally ` BC`. `infinity` maps to `Date.distantFuture`.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(minDigits: 4, maxDigits: 9), scanner.skip("-"),
              let month = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip("-"),
              let day = scanner.number(minDigits: 2, maxDigits: 2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var microOfDay: Int64 = 0
        var offsetSeconds: Int64 = 0
        if scanner.skip(" ") || scanner.skip("T") {
            guard let hour = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(":"),
                  let minute = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(":"),
                  let second = scanner.number(minDigits: 2, maxDigits: 2),
                  hour <= 24, minute < 60, second <= 60
            else { return nil }
            microOfDay = ((hour * 60 + minute) * 60 + second) * microsPerSecond
            if scanner.skip(".") {
                guard let fraction = scanner.fraction() else { return nil }
                microOfDay += fraction
            }
            if scanner.skip("Z") {
                offsetSeconds = 0
            } else if let sign = scanner.sign() {
                guard let hours = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                var seconds = hours * 3600
                if scanner.skip(":") {
                    guard let minutes = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                    seconds += minutes * 60
                    if scanner.skip(":") {
                        guard let extra = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                        seconds += extra
                    }
                }
                offsetSeconds = sign * seconds
            }
        }
        let isBC = scanner.skip(" BC")
        guard scanner.atEnd else { return nil }
        let days = days(fromCivil: isBC ? 1 - year : year, month, day)
        let total = days * microsPerDay + microOfDay - offsetSeconds * microsPerSecond
        return Date(timeIntervalSince1970: Double(total) / Double(microsPerSecond))
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `days(fromCivil:_:_:)`.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Reads ASCII digits and punctuation from the front of a byte array.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
                return false
            }
            index += count
            return true
        }

        mutating func number(minDigits: Int, maxDigits: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while index < bytes.count, count < maxDigits, let digit = Self.digit(bytes[index]) {
                value = value * 10 + digit
                count += 1
                index += 1
            }
            return count >= minDigits ? value : nil
        }

        /// Fraction digits after the point, as microseconds (extra digits are dropped).
        mutating func fraction() -> Int64? {
            var micros: Int64 = 0
            var count = 0
            while index < bytes.count, let digit = Self.digit(bytes[index]) {
                if count < 6 { micros = micros * 10 + digit }
                count += 1
                index += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<max(count, 6) { micros *= 10 }
            return micros
        }

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        private static func digit(_ byte: UInt8) -> Int64? {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int64(byte - UInt8(ascii: "0")) : nil
        }
    }
}
