/// A parsed 5-field cron expression or macro, with the meaning SCHEDULES.md gives it.
///
/// Each field is kept as a bit set, so matching a date is a few bit operations and the
/// fire-time search can jump straight to the next matching month, day, hour and minute
/// instead of scanning minutes. Parsing rejects every expression that could never fire, so a
/// search over a value of this type always ends.
public struct CronExpression: Sendable, Hashable {
    /// The text as written in the manifest, macro included, so that diagnostics and
    /// descriptions quote what the author wrote rather than an expansion of it.
    public let text: String

    /// Whether the job is fixed-time (S8): neither the minute nor the hour text contains `*`.
    /// Fixed-time jobs fire once per matching wall time across daylight-saving changes;
    /// wildcard jobs follow the wall clock literally.
    public let isFixedTime: Bool

    /// Minutes 0-59 as bits 0-59.
    let minutes: UInt64
    /// Hours 0-23 as bits 0-23.
    let hours: UInt64
    /// Days 1-31 as bits 1-31.
    let daysOfMonth: UInt64
    /// `L` in day-of-month.
    let lastDayOfMonth: Bool
    /// Months 1-12 as bits 1-12.
    let months: UInt64
    /// Weekdays, Sunday = bit 0.
    let daysOfWeek: UInt8
    /// Weekdays written `dL`: the last such weekday of the month.
    let lastWeekdays: UInt8
    /// Weekdays written `d#n`: byte n-1 holds the weekdays whose n-th occurrence matches.
    let nthWeekdays: UInt64
    /// S5: judged on the text; when both are restricted a day matches either field.
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    /// Parses an expression, refusing anything SCHEDULES.md does not allow and anything that
    /// could never fire, because a schedule that silently never runs is worse than a red build.
    public init(parsing text: String) throws(CronSyntaxError) {
        self = try CronParser.parse(text)
    }

    init(
        text: String, isFixedTime: Bool, minutes: UInt64, hours: UInt64, daysOfMonth: UInt64,
        lastDayOfMonth: Bool, months: UInt64, daysOfWeek: UInt8, lastWeekdays: UInt8,
        nthWeekdays: UInt64, dayOfMonthRestricted: Bool, dayOfWeekRestricted: Bool
    ) {
        self.text = text
        self.isFixedTime = isFixedTime
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.lastDayOfMonth = lastDayOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.lastWeekdays = lastWeekdays
        self.nthWeekdays = nthWeekdays
        self.dayOfMonthRestricted = dayOfMonthRestricted
        self.dayOfWeekRestricted = dayOfWeekRestricted
    }

    /// The days of one month that match, as bits 1-31, for a month of `daysInMonth` days whose
    /// first day falls on `firstWeekday` (0 = Sunday).
    ///
    /// A month's matching days depend only on these two numbers, which is what lets the search
    /// jump to the next matching day in one step and lets the parser prove in 168 steps that an
    /// expression fires at least once in the 400-year Gregorian cycle.
    @inline(__always)
    func dayMask(daysInMonth: Int, firstWeekday: Int) -> UInt64 {
        let monthDays: UInt64 = (1 << UInt64(daysInMonth + 1)) - 2
        var dom = daysOfMonth & monthDays
        if lastDayOfMonth { dom |= 1 << UInt64(daysInMonth) }
        var dow: UInt64 = 0
        if daysOfWeek != 0 {
            // Days 1, 8, 15, 22, 29 share a weekday: repeat the week's pattern five times.
            dow = (Self.rotate(daysOfWeek, by: firstWeekday) &* 0x1020_4081) << 1
        }
        if lastWeekdays != 0 {
            let firstOfLastWeek = daysInMonth - 6
            let weekday = (firstWeekday + firstOfLastWeek - 1) % 7
            dow |= Self.rotate(lastWeekdays, by: weekday) << UInt64(firstOfLastWeek)
        }
        if nthWeekdays != 0 {
            for n in 0..<5 {
                let set = UInt8(truncatingIfNeeded: nthWeekdays >> UInt64(8 * n))
                if set != 0 { dow |= Self.rotate(set, by: firstWeekday) << UInt64(1 + 7 * n) }
            }
        }
        dow &= monthDays
        return dayOfMonthRestricted && dayOfWeekRestricted ? dom | dow : dom & dow
    }

    /// A week's bits re-indexed so that bit k says whether the weekday `start + k` is in `set`.
    @inline(__always)
    static func rotate(_ set: UInt8, by start: Int) -> UInt64 {
        let s = UInt64(set)
        return ((s >> UInt64(start)) | (s << UInt64(7 - start))) & 0x7F
    }

    /// Whether some date in the 400-year Gregorian cycle matches. Every combination of month,
    /// month length and weekday of the 1st occurs in that cycle, so trying each is exact.
    var canFire: Bool {
        for month in 1...12 where months & (1 << UInt64(month)) != 0 {
            let longest = CivilTime.daysInMonth(year: 2000, month: month)
            for length in (month == 2 ? 28 : longest)...longest {
                for weekday in 0..<7 where dayMask(daysInMonth: length, firstWeekday: weekday) != 0 {
                    return true
                }
            }
        }
        return false
    }
}
