#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB

/// Dates as GRDB stores them (`yyyy-MM-dd HH:mm:ss.SSS`, UTC, to the nearest millisecond),
/// written without `DateFormatter`.
///
/// The rows a run writes before and after each step carry up to four dates, and formatting
/// them through Foundation cost more than the SQL itself. The text is exactly GRDB's, so
/// comparisons against dates GRDB encodes (`finishedAt >= ?`) and GRDB's decoding stay as
/// they were.
///
/// Every date is kept within the years 0001–9999 both ways: GRDB writes a later year with
/// five digits, which it cannot read back, and its row subscripts trap on a value they
/// cannot decode. A date past the range (a `--interval` of years once wrote one) is stored
/// as the range's end, and a stored text that is not a date becomes a `StoreError` naming
/// the column, never a crash at every start.
enum DatabaseDate {
    /// 9999-12-31 23:59:59.999 UTC, the last instant four year digits can write.
    static let latest = Date(timeIntervalSince1970: 253_402_300_799.999)
    /// 0001-01-01 00:00:00 UTC.
    static let earliest = Date(timeIntervalSince1970: -62_135_596_800)

    /// `date` moved into the range the store can write and read back.
    static func clamped(_ date: Date) -> Date {
        // NaN compares false both ways; it has no place in a date column.
        guard !date.timeIntervalSince1970.isNaN else { return earliest }
        return min(max(date, earliest), latest)
    }

    static func text(_ date: Date) -> String {
        let interval = clamped(date).timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        // Rounded, not truncated: a date read back from its text is a hair below the
        // millisecond it names (binary fractions), and truncating it again would move a
        // row's dates back by a millisecond each time the row is rewritten.
        var millis = Int(((interval - Double(seconds)) * 1000).rounded())
        if millis >= 1000 { seconds += 1; millis -= 1000 }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int, at index: Int, digits: Int) {
            var value = value
            for offset in stride(from: digits - 1, through: 0, by: -1) {
                bytes[index + offset] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 0, digits: 4)
        bytes[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
        bytes[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), at: 8, digits: 2)
        bytes[10] = UInt8(ascii: " ")
        put(Int(parts.tm_hour), at: 11, digits: 2)
        bytes[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), at: 14, digits: 2)
        bytes[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), at: 17, digits: 2)
        bytes[19] = UInt8(ascii: ".")
        put(millis, at: 20, digits: 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func text(_ date: Date?) -> String? { date.map { text($0) } }

    /// The form `text` writes (`yyyy-MM-dd HH:mm:ss.SSS`, UTC), read without Foundation's
    /// calendar: a daemon following 10,000 pipelines reads two dates of each at every pass,
    /// and GRDB's general parser was most of the cost of the pass. Nil for any other form
    /// (GRDB's parser then reads it), or for a field out of range. Like `text` (gmtime), it
    /// counts in the proleptic Gregorian calendar, so the two agree on every date in the
    /// range; GRDB's parser (Foundation's calendar) is Julian before 1583.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 23, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: ".")
            else { return nil }
            func number(_ start: Int, _ digits: Int) -> Int? {
                var value = 0
                for index in start..<(start + digits) {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let millis = number(20, 3),
                  year >= 1, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's
            // days_from_civil), as GRDB and Foundation count them.
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second) + Double(millis) / 1000
            return Date(timeIntervalSince1970: seconds)
        }
    }

    /// The date a column holds, read without trapping: GRDB's formats (text with at least
    /// a day, or a Unix timestamp), clamped into the range; a text whose year has more than
    /// four digits (written by a Baton before the range was enforced) as the range's end.
    /// Nil when the value is not a date at all.
    static func date(_ value: DatabaseValue) -> Date? {
        if case .string(let text) = value.storage, let date = parse(text) { return date }
        if let date = Date.fromDatabaseValue(value) { return clamped(date) }
        guard let text = String.fromDatabaseValue(value) else { return nil }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard digits.count > 4, text.dropFirst(digits.count).first == "-" else { return nil }
        return latest
    }
}
