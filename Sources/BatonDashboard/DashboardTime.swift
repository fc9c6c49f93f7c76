import Foundation

/// How the dashboard writes instants and spans.
///
/// ISO-like local text (`2026-03-08 02:30:00 -03:00`) rather than a locale's format because
/// operators compare these with log lines and cron fields, and a numeric offset says which
/// instant is meant even across a DST change; the UTC instant rides along in `<time datetime>`.
public enum DashboardTime {
    /// `2026-03-08 02:30:00 -03:00`: wall-clock time in `zone` with its offset at that instant.
    public static func local(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(civil(date, offset: offset, separator: " ")) \(sign)\(pad(minutes / 60)):\(pad(minutes % 60))"
    }

    /// `2026-03-08T05:30:00Z`, for `<time datetime>` and machine readers of the page.
    public static func utc(_ date: Date) -> String {
        "\(civil(date, offset: 0, separator: "T"))Z"
    }

    /// Wall-clock fields by arithmetic (days from the epoch to a civil date, after Howard
    /// Hinnant) rather than a `Calendar` per call: the pipelines page formats thousands.
    private static func civil(_ date: Date, offset: Int, separator: String) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))\(separator)"
            + "\(pad(secondOfDay / 3600)):\(pad(secondOfDay % 3600 / 60)):\(pad(secondOfDay % 60))"
    }

    /// `850ms`, `12s`, `3m 05s`, `1h 02m`, `2d 04h`: two units at most, enough to compare runs.
    public static func duration(_ seconds: Double) -> String {
        let s = max(0, seconds)
        if s < 1 { return "\(Int((s * 1000).rounded()))ms" }
        if s < 60 { return s < 10 ? String(format: "%.1fs", s) : "\(Int(s))s" }
        let total = Int(s)
        if total < 3600 { return "\(total / 60)m \(pad(total % 60))s" }
        if total < 86_400 { return "\(total / 3600)h \(pad(total % 3600 / 60))m" }
        return "\(total / 86_400)d \(pad(total % 86_400 / 3600))h"
    }

    /// Axis labels: short and exact at the tick steps the Gantt uses (`0`, `30s`, `1m30s`, `2h`).
    static func tick(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total == 0 { return "0" }
        if total < 60 { return "\(total)s" }
        if total < 3600 {
            return total % 60 == 0 ? "\(total / 60)m" : "\(total / 60)m\(total % 60)s"
        }
        return total % 3600 == 0 ? "\(total / 3600)h" : "\(total / 3600)h\(pad(total % 3600 / 60))m"
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// A `<time>` element: local text for people, the UTC instant for machines and tooltips.
    static func element(_ date: Date?, in zone: TimeZone) -> HTML {
        guard let date else { return "<span class=\"muted\">—</span>" }
        let utc = utc(date)
        return "<time datetime=\"\(utc)\" title=\"\(utc)\">\(local(date, in: zone))</time>"
    }
}
