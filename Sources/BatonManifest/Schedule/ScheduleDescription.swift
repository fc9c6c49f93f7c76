import Foundation

/// Turns a schedule into the sentence `plan` and `status` show (`at 02:30 every day in
/// America/New_York`, `every 15 minutes, starting at minute 5`).
///
/// Reviewers read these in pull requests to catch a schedule that means something other than
/// its author thought, so the sentence is built from the parsed sets (what Baton will do),
/// not from the text (what the author wrote).
enum ScheduleDescription {
    static func describe(_ schedule: Schedule, readerZone: TimeZone?) -> String {
        switch schedule {
        case .cron(let expression, let timeZone):
            let sentence = describe(expression)
            if let readerZone, readerZone.identifier == timeZone.identifier { return sentence }
            return "\(sentence) in \(TimeZones.name(of: timeZone))"
        case .every(let interval, let offset):
            return describe(every: interval.milliseconds, offset: offset?.milliseconds ?? 0)
        }
    }

    // MARK: cron

    static func describe(_ expression: CronExpression) -> String {
        let time = timePhrase(expression)
        let day = dayPhrase(expression)
        let month = expression.months == allBits(1...12) ? "" : " in \(list(values(expression.months, 1...12), spell: monthName))"
        // "every 5 minutes" already says every day; "at 02:30" does not.
        let saysEveryDay = !time.hasPrefix("at ") || time.hasPrefix("at minute")
        let dayPart = day == "every day" && saysEveryDay ? "" : " \(day)"
        return "\(time)\(dayPart)\(month)"
    }

    private static func timePhrase(_ e: CronExpression) -> String {
        let minutes = values(e.minutes, 0...59)
        let hours = values(e.hours, 0...23)
        let allHours = hours.count == 24
        if minutes.count * hours.count <= 6 {
            let times = hours.flatMap { h in minutes.map { m in clock(h, m) } }
            return "at " + joined(times)
        }
        let minutePart: String
        if minutes.count == 60 {
            minutePart = "every minute"
        } else if let step = step(of: minutes, from: 0, through: 59), step > 1 {
            minutePart = "every \(step) minutes"
        } else if minutes.count == 1 {
            minutePart = "at minute \(minutes[0])"
        } else {
            minutePart = "at minutes \(list(minutes, spell: String.init))"
        }
        if allHours {
            return minutes.count == 1 ? "\(minutePart) of every hour" : minutePart
        }
        if let first = hours.first, let last = hours.last, hours.count == last - first + 1, hours.count > 1 {
            return "\(minutePart) from \(clock(first, 0)) through \(clock(last, 59))"
        }
        if let step = step(of: hours, from: 0, through: 23), step > 1 {
            return "\(minutePart) of every \(ordinal(step)) hour"
        }
        return "\(minutePart) of hour\(hours.count == 1 ? "" : "s") \(list(hours, spell: { String(format: "%02d", $0) }))"
    }

    private static func dayPhrase(_ e: CronExpression) -> String {
        let days = values(e.daysOfMonth, 1...31)
        var domParts: [String] = []
        if !(days.count == 31) || e.lastDayOfMonth {
            if !days.isEmpty {
                domParts.append(days.count == 1 ? "day \(days[0])" : "days \(list(days, spell: String.init))")
            }
            if e.lastDayOfMonth { domParts.append("the last day") }
        }
        let dom: String? = domParts.isEmpty ? nil : "on \(joined(domParts)) of the month"

        var dowParts: [String] = []
        let weekdays = values(UInt64(e.daysOfWeek), 0...6)
        if weekdays.count < 7 || e.lastWeekdays != 0 || e.nthWeekdays != 0 {
            if !weekdays.isEmpty {
                if weekdays == [1, 2, 3, 4, 5] {
                    dowParts.append("Monday through Friday")
                } else {
                    dowParts.append(list(weekdays, spell: dayName))
                }
            }
            for n in 0..<5 {
                let set = UInt64(truncatingIfNeeded: e.nthWeekdays >> UInt64(8 * n)) & 0x7F
                for day in values(set, 0...6) {
                    dowParts.append("the \(["first", "second", "third", "fourth", "fifth"][n]) \(dayName(day)) of the month")
                }
            }
            for day in values(UInt64(e.lastWeekdays), 0...6) {
                dowParts.append("the last \(dayName(day)) of the month")
            }
        }
        let dow: String? = dowParts.isEmpty ? nil : "on \(joined(dowParts))"

        if e.dayOfMonthRestricted && e.dayOfWeekRestricted {
            // S5: either field may match; a field that allows every day makes every day match.
            guard let dom, let dow else { return "every day" }
            return "\(dom) or \(dow)"
        }
        switch (dom, dow) {
        case (nil, nil): return "every day"
        case (let dom?, nil): return dom
        case (nil, let dow?): return dow
        case (let dom?, let dow?): return "\(dom) if it is also \(dow.dropFirst(3))"
        }
    }

    // MARK: every

    static func describe(every interval: Int64, offset: Int64) -> String {
        let hour: Int64 = 3_600_000, day: Int64 = 86_400_000
        let base = "every \(spokenInterval(interval))"
        if interval == day {
            return "every day at \(clock(offset)) UTC"
        }
        if offset == 0 {
            return day % interval == 0 ? base : "\(base), counted from 1970-01-01 00:00 UTC"
        }
        if hour % interval == 0 {
            let minute = offset / 60_000, rest = offset % 60_000
            return rest == 0 ? "\(base), starting at minute \(minute)" : "\(base), starting at \(String(format: "%02d:%02d", minute, rest / 1000))\(rest % 1000 == 0 ? "" : String(format: ".%03d", rest % 1000)) past the hour"
        }
        if day % interval == 0 {
            return "\(base), starting at \(clock(offset)) UTC"
        }
        return "\(base), offset \(ManifestDuration(milliseconds: offset)!) from 1970-01-01 00:00 UTC"
    }

    private static func spokenInterval(_ millis: Int64) -> String {
        let units: [(Int64, String)] = [(86_400_000, "day"), (3_600_000, "hour"), (60_000, "minute"), (1_000, "second")]
        for (size, name) in units where millis % size == 0 {
            let count = millis / size
            return count == 1 ? name : "\(count) \(name)s"
        }
        return ManifestDuration(milliseconds: millis)!.description
    }

    /// A time of day in UTC from milliseconds after midnight, with seconds only when needed.
    private static func clock(_ millis: Int64) -> String {
        let seconds = millis / 1000
        let base = clock(Int(seconds / 3600), Int(seconds / 60 % 60))
        return seconds % 60 == 0 && millis % 1000 == 0 ? base : base + String(format: ":%02d", seconds % 60)
    }

    // MARK: words

    private static func clock(_ hour: Int, _ minute: Int) -> String {
        String(format: "%02d:%02d", hour, minute)
    }

    private static func allBits(_ range: ClosedRange<Int>) -> UInt64 {
        range.reduce(0) { $0 | 1 << UInt64($1) }
    }

    private static func values(_ bits: UInt64, _ range: ClosedRange<Int>) -> [Int] {
        range.filter { bits & (1 << UInt64($0)) != 0 }
    }

    /// The step of an arithmetic run that starts at `from` and reaches within one step of
    /// `through`: what `*/n` wrote.
    private static func step(of values: [Int], from: Int, through: Int) -> Int? {
        guard values.count >= 2, values[0] == from else { return nil }
        let step = values[1] - values[0]
        for (a, b) in zip(values, values.dropFirst()) where b - a != step { return nil }
        return values[values.count - 1] + step > through ? step : nil
    }

    /// Values as a list with runs of three or more folded into ranges: `1-5, 10 and 15`.
    private static func list(_ values: [Int], spell: (Int) -> String) -> String {
        var parts: [String] = []
        var index = 0
        while index < values.count {
            var end = index
            while end + 1 < values.count, values[end + 1] == values[end] + 1 { end += 1 }
            if end - index >= 2 {
                parts.append("\(spell(values[index])) through \(spell(values[end]))")
                index = end + 1
            } else {
                parts.append(spell(values[index]))
                index += 1
            }
        }
        return joined(parts)
    }

    private static func joined(_ parts: [String]) -> String {
        guard parts.count > 1 else { return parts.first ?? "" }
        return parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
    }

    private static func ordinal(_ n: Int) -> String {
        switch (n % 10, n % 100) {
        case (1, let t) where t != 11: "\(n)st"
        case (2, let t) where t != 12: "\(n)nd"
        case (3, let t) where t != 13: "\(n)rd"
        default: "\(n)th"
        }
    }

    private static func dayName(_ day: Int) -> String {
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][day]
    }

    private static func monthName(_ month: Int) -> String {
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][month - 1]
    }
}
