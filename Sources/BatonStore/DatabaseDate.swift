#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Dates as GRDB stores them (`yyyy-MM-dd HH:mm:ss.SSS`, UTC, to the nearest millisecond),
/// written without `DateFormatter`.
///
/// The rows a run writes before and after each step carry up to four dates, and formatting
/// them through Foundation cost more than the SQL itself. The text is exactly GRDB's, so
/// comparisons against dates GRDB encodes (`finishedAt >= ?`) and GRDB's decoding stay as
/// they were.
enum DatabaseDate {
    static func text(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
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
}
