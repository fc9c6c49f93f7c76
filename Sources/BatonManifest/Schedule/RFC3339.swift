import Foundation

/// Instants as RFC 3339 text: the strict reader behind `--after`, and the exact writer of
/// `YYYY-MM-DDTHH:MM:SSZ` that `baton schedule next --json` promises (D19).
///
/// Hand-written because `ISO8601DateFormatter` accepts more than RFC 3339 on some platforms
/// and less on others (fractions, missing seconds), and a scheduler must not guess what
/// instant a user meant.
public enum RFC3339 {
    /// Reads `2026-03-08T06:30:00Z`, `2026-03-08T01:30:00.5-05:00` and the like: seconds
    /// required, an optional fraction, `Z` or a numeric offset. Returns nil for anything else,
    /// including impossible dates such as 2026-02-30.
    public static func instant(from text: String) -> Date? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= b.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
                i += 1
            }
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard i < b.count, characters.utf8.contains(b[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2) else { return nil }
        guard (1...12).contains(month), (1...CivilTime.daysInMonth(year: Int64(year), month: month)).contains(day),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            var scale = 0.1
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                fraction += Double(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if expect("Zz") {
            offset = 0
        } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let hours = number(2), expect(":"), let minutes = number(2), hours <= 23, minutes <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = CivilTime.days(year: Int64(year), month: month, day: day)
        let seconds = days * CivilTime.secondsPerDay + Int64(hour * 3600 + minute * 60 + second - offset)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC; a fraction (`.250`) appears only for instants that are
    /// not whole seconds, which only sub-second `every` schedules produce.
    public static func utcString(_ instant: Date) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded())
        return string(millis: millis, offset: 0, utc: true)
    }

    /// The same instant on the wall clock of a UTC offset: `2026-03-08T03:00:00-04:00`.
    public static func localString(_ instant: Date, offsetSeconds: Int) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded())
        return string(millis: millis, offset: offsetSeconds, utc: false)
    }

    private static func string(millis: Int64, offset: Int, utc: Bool) -> String {
        let local = millis + Int64(offset) * 1000
        let seconds = CivilTime.floorDiv(local, 1000)
        let fraction = local - seconds * 1000
        let days = CivilTime.floorDiv(seconds, CivilTime.secondsPerDay)
        let secondOfDay = Int(seconds - days * CivilTime.secondsPerDay)
        let date = CivilTime.date(days: days)
        // Written digit by digit: the API and the CLI's --json write thousands of instants per
        // answer, and String(format:) goes through CoreFoundation's formatter for each.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        if (0...9999).contains(date.year) {
            digits(date.year, 4)
        } else {
            bytes.append(contentsOf: Array(String(format: "%04lld", date.year).utf8))
        }
        bytes.append(UInt8(ascii: "-")); digits(Int64(date.month), 2)
        bytes.append(UInt8(ascii: "-")); digits(Int64(date.day), 2)
        bytes.append(UInt8(ascii: "T")); digits(Int64(secondOfDay / 3600), 2)
        bytes.append(UInt8(ascii: ":")); digits(Int64(secondOfDay / 60 % 60), 2)
        bytes.append(UInt8(ascii: ":")); digits(Int64(secondOfDay % 60), 2)
        if fraction != 0 { bytes.append(UInt8(ascii: ".")); digits(fraction, 3) }
        if utc {
            bytes.append(UInt8(ascii: "Z"))
        } else {
            let magnitude = abs(offset)
            bytes.append(UInt8(ascii: offset < 0 ? "-" : "+"))
            digits(Int64(magnitude / 3600), 2)
            bytes.append(UInt8(ascii: ":")); digits(Int64(magnitude / 60 % 60), 2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
