import BatonTestSupport
import BatonManifest
import Foundation
import Testing

/// The fast search against a reference that tries every UTC minute, written here from
/// SCHEDULES.md alone: random expressions (built together with the value sets they mean),
/// random zones and random instants in 2026-2031, half of them within hours of an offset
/// change. A failure prints the seed, the expression, the zone and the instant.
struct CronPropertyTests {
    static let zones = [
        "UTC", "America/New_York", "Europe/London", "Europe/Berlin", "Australia/Sydney",
        "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo", "America/St_Johns",
        "Pacific/Chatham", "Antarctica/Troll", "Asia/Tehran", "Pacific/Apia",
    ]

    /// How far the reference looks; beyond it, the fast result only has to lie beyond it too.
    static let window: Int64 = 36 * 3600

    @Test(arguments: 0..<8)
    func nextAndPreviousMatchTheMinuteByMinuteReference(batch: Int) throws {
        var random = SplitMix64(seed: 0xBA70 &+ UInt64(batch))
        let start = Int64(1_767_225_600) // 2026-01-01T00:00:00Z
        let end = Int64(1_956_528_000) // 2032-01-01T00:00:00Z
        var checked = 0
        while checked < 300 {
            let cron = GeneratedCron.random(using: &random)
            guard let expression = try? CronExpression(parsing: cron.text) else { continue }
            let zone = TimeZone(identifier: Self.zones.randomElement(using: &random)!)!
            var seconds = Int64.random(in: start..<end, using: &random)
            if Bool.random(using: &random), let change = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(seconds))) {
                seconds = Int64(change.timeIntervalSince1970) + Int64.random(in: -4 * 3600...4 * 3600, using: &random)
            }
            if Bool.random(using: &random) { seconds -= seconds % 60 }
            let after = Date(timeIntervalSince1970: Double(seconds) + (Bool.random(using: &random) ? 0.25 : 0))
            let schedule = Schedule.cron(expression, timeZone: zone)
            let reference = Reference(cron: cron, zone: zone)
            let context = "\(cron.text) in \(zone.identifier) around \(RFC3339.utcString(after))"

            let fast = schedule.nextFireTime(after: after).map { Int64($0.timeIntervalSince1970) }
            let firstCandidate = Int64((after.timeIntervalSince1970 / 60).rounded(.down)) * 60 + 60
            let expected = reference.firstFire(from: firstCandidate, step: 60, within: Self.window)
            if let expected {
                #expect(fast == expected, "next: \(context)")
            } else {
                #expect(fast.map { $0 >= firstCandidate + Self.window } ?? false, "next beyond window: \(context)")
            }

            let fastPrevious = schedule.previousFireTime(before: after).map { Int64($0.timeIntervalSince1970) }
            let lastCandidate = Int64((after.timeIntervalSince1970 / 60).rounded(.up)) * 60 - 60
            let expectedPrevious = reference.firstFire(from: lastCandidate, step: -60, within: Self.window)
            if let expectedPrevious {
                #expect(fastPrevious == expectedPrevious, "previous: \(context)")
            } else {
                #expect(fastPrevious.map { $0 <= lastCandidate - Self.window } ?? false, "previous beyond window: \(context)")
            }
            checked += 1
        }
    }
}

/// An expression written together with the sets it means, so the reference does not depend
/// on Baton's parser.
struct GeneratedCron {
    var text: String
    var minutes: Set<Int>
    var hours: Set<Int>
    var days: Set<Int>
    var lastDay: Bool
    var months: Set<Int>
    var weekdays: Set<Int>
    var lastWeekdays: Set<Int>
    var nthWeekdays: Set<[Int]>
    var dayRestricted: Bool
    var weekdayRestricted: Bool
    var fixedTime: Bool

    static func random(using random: inout SplitMix64) -> GeneratedCron {
        let minute = field(0, 59, 59, names: nil, star: 0.5, using: &random)
        let hour = field(0, 23, 23, names: nil, star: 0.5, using: &random)
        var day = field(1, 31, 31, names: nil, star: 0.6, using: &random)
        var lastDay = false
        if Int.random(in: 0..<8, using: &random) == 0 {
            lastDay = true
            day.text = Bool.random(using: &random) ? "L" : day.text.hasPrefix("*") ? "L" : day.text + ",l"
            if day.text == "L" { day.values = [] }
        }
        let month = field(1, 12, 12, names: monthNames, star: 0.8, using: &random)
        var weekday = field(0, 7, 6, names: dayNames, star: 0.6, using: &random)
        weekday.values = Set(weekday.values.map { $0 % 7 })
        var lastWeekdays = Set<Int>(), nth = Set<[Int]>()
        if Int.random(in: 0..<5, using: &random) == 0 {
            var items: [String] = weekday.text.hasPrefix("*") ? [] : [weekday.text]
            if items.isEmpty { weekday.values = [] }
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let d = Int.random(in: 0...7, using: &random)
                let spelled = Bool.random(using: &random) && d < 7 ? dayNames[d] : String(d)
                if Bool.random(using: &random) {
                    lastWeekdays.insert(d % 7)
                    items.append(spelled + "L")
                } else {
                    let n = Int.random(in: 1...5, using: &random)
                    nth.insert([d % 7, n])
                    items.append("\(spelled)#\(n)")
                }
            }
            weekday.text = items.shuffled(using: &random).joined(separator: ",")
        }
        let texts = [minute.text, hour.text, day.text, month.text, weekday.text]
        return GeneratedCron(
            text: texts.joined(separator: Bool.random(using: &random) ? " " : " \t "),
            minutes: minute.values, hours: hour.values, days: day.values, lastDay: lastDay,
            months: month.values, weekdays: weekday.values, lastWeekdays: lastWeekdays,
            nthWeekdays: nth, dayRestricted: !day.text.hasPrefix("*"),
            weekdayRestricted: !weekday.text.hasPrefix("*"),
            fixedTime: !minute.text.contains("*") && !hour.text.contains("*"))
    }

    static let monthNames = ["", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// One field: a list of one to three items of every shape S3 allows.
    static func field(_ low: Int, _ high: Int, _ starHigh: Int, names: [String]?, star: Double, using random: inout SplitMix64) -> (text: String, values: Set<Int>) {
        func spell(_ value: Int) -> String {
            // SUN is 0, so day-of-week 7 (the second Sunday) has no name.
            if let names, value < names.count, Int.random(in: 0..<3, using: &random) == 0 {
                return Bool.random(using: &random) ? names[value] : names[value].lowercased()
            }
            return Int.random(in: 0..<6, using: &random) == 0 ? "0\(value)" : String(value)
        }
        if Double.random(in: 0..<1, using: &random) < star {
            if Bool.random(using: &random) { return ("*", Set(low...starHigh)) }
            let step = Int.random(in: 1...max(1, (starHigh - low) / 2 + 2), using: &random)
            return ("*/\(step)", Set(stride(from: low, through: starHigh, by: step)))
        }
        var items: [String] = []
        var values = Set<Int>()
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let a = Int.random(in: low...high, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                items.append(spell(a)); values.insert(a)
            case 1:
                let b = Int.random(in: a...high, using: &random)
                items.append("\(spell(a))-\(spell(b))"); values.formUnion(a...b)
            case 2:
                let b = Int.random(in: a...high, using: &random), step = Int.random(in: 1...8, using: &random)
                items.append("\(spell(a))-\(spell(b))/\(step)"); values.formUnion(stride(from: a, through: b, by: step))
            default:
                let start = min(a, starHigh), step = Int.random(in: 1...8, using: &random)
                items.append("\(spell(start))/\(step)"); values.formUnion(stride(from: start, through: starHigh, by: step))
            }
        }
        return (items.joined(separator: ","), values)
    }
}

/// SCHEDULES.md S5, S8 and S9 read literally, one UTC minute at a time, with Foundation's
/// calendar and zone offsets.
struct Reference {
    let cron: GeneratedCron
    let zone: TimeZone
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    func offset(_ instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }

    /// Whether a wall-clock minute (seconds since 1970 on the zone's clock) matches.
    func matches(wall: Int64) -> Bool {
        let parts = Self.calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: Date(timeIntervalSince1970: Double(wall)))
        let (month, day, weekday) = (parts.month!, parts.day!, parts.weekday! - 1)
        guard cron.minutes.contains(parts.minute!), cron.hours.contains(parts.hour!), cron.months.contains(month) else { return false }
        let length = Self.calendar.range(of: .day, in: .month, for: Date(timeIntervalSince1970: Double(wall)))!.count
        let dayMatch = cron.days.contains(day) || (cron.lastDay && day == length)
        let weekdayMatch = cron.weekdays.contains(weekday)
            || (cron.lastWeekdays.contains(weekday) && day + 7 > length)
            || cron.nthWeekdays.contains([weekday, (day - 1) / 7 + 1])
        return cron.dayRestricted && cron.weekdayRestricted ? dayMatch || weekdayMatch : dayMatch && weekdayMatch
    }

    func fires(at instant: Int64) -> Bool {
        let now = offset(instant)
        let wall = instant + now
        if !cron.fixedTime { return matches(wall: wall) }
        let before = offset(instant - 60)
        if before < now {
            // Start of a gap: fires if any skipped wall minute matches.
            for skipped in stride(from: instant + before, to: instant + now, by: 60) where matches(wall: skipped) { return true }
        }
        guard matches(wall: wall) else { return false }
        // The second occurrence of a wall time never fires for a fixed-time job.
        let earlierOffsets = Set(stride(from: instant - 26 * 3600, to: instant, by: 900).map(offset))
        return !earlierOffsets.contains { $0 > now && offset(wall - $0) == $0 }
    }

    func firstFire(from: Int64, step: Int64, within window: Int64) -> Int64? {
        var instant = from
        while abs(instant - from) < window {
            if fires(at: instant) { return instant }
            instant += step
        }
        return nil
    }
}
