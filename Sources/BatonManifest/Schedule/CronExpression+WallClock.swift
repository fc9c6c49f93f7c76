/// Searching local wall-clock time (seconds since 1970-01-01 00:00 on the zone's own clock)
/// for matching minutes, ignoring time zones altogether.
///
/// The search jumps: a month not in the set skips to the next one, a day to the next bit of
/// `dayMask`, an hour to the next set hour. Its cost is a few dozen operations whether the
/// expression fires every minute or only on 29 February, and the limits let callers ask
/// "is there a match before this time" without paying for the search beyond it.
extension CronExpression {
    /// The first matching wall minute at or after `wall` and before `limit`.
    func nextWallMinute(from wall: Int64, before limit: Int64) -> Int64? {
        let minuteIndex = CivilTime.floorDiv(wall + 59, 60)
        let startDay = CivilTime.floorDiv(minuteIndex, 1440)
        let minuteOfDay = Int(minuteIndex - startDay * 1440)
        var (year, month, day) = CivilTime.date(days: startDay)
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        var monthChanged = false
        while true {
            if months & (1 << UInt64(month)) == 0 {
                let later = months & ~((2 << UInt64(month)) - 1)
                if later != 0 {
                    month = later.trailingZeroBitCount
                } else {
                    year += 1
                    month = months.trailingZeroBitCount
                }
                day = 1; hour = 0; minute = 0
                monthChanged = true
            }
            let firstDay = CivilTime.days(year: year, month: month, day: 1)
            if monthChanged, firstDay * CivilTime.secondsPerDay >= limit { return nil }
            monthChanged = false
            let length = CivilTime.daysInMonth(year: year, month: month)
            let days = dayMask(daysInMonth: length, firstWeekday: CivilTime.weekday(days: firstDay))
                & ~((1 << UInt64(day)) - 1)
            if days == 0 {
                month += 1
                if month > 12 { month = 1; year += 1 }
                day = 1; hour = 0; minute = 0
                monthChanged = true
                continue
            }
            let matchedDay = days.trailingZeroBitCount
            if matchedDay != day { day = matchedDay; hour = 0; minute = 0 }
            let laterHours = hours & ~((1 << UInt64(hour)) - 1)
            if laterHours == 0 { day += 1; hour = 0; minute = 0; continue }
            let matchedHour = laterHours.trailingZeroBitCount
            if matchedHour != hour { hour = matchedHour; minute = 0 }
            let laterMinutes = minutes & ~((1 << UInt64(minute)) - 1)
            if laterMinutes == 0 { hour += 1; minute = 0; continue }
            let result = (firstDay + Int64(day - 1)) * CivilTime.secondsPerDay
                + Int64(hour * 3600 + laterMinutes.trailingZeroBitCount * 60)
            return result < limit ? result : nil
        }
    }

    /// The last matching wall minute at or before `wall` and not before `limit`.
    func previousWallMinute(from wall: Int64, notBefore limit: Int64) -> Int64? {
        let minuteIndex = CivilTime.floorDiv(wall, 60)
        let startDay = CivilTime.floorDiv(minuteIndex, 1440)
        let minuteOfDay = Int(minuteIndex - startDay * 1440)
        var (year, month, day) = CivilTime.date(days: startDay)
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        var monthChanged = false
        while true {
            if months & (1 << UInt64(month)) == 0 {
                let earlier = months & ((1 << UInt64(month)) - 1)
                if earlier != 0 {
                    month = 63 - earlier.leadingZeroBitCount
                } else {
                    year -= 1
                    month = 63 - months.leadingZeroBitCount
                }
                day = 31; hour = 23; minute = 59
                monthChanged = true
            }
            let firstDay = CivilTime.days(year: year, month: month, day: 1)
            let length = CivilTime.daysInMonth(year: year, month: month)
            if monthChanged, (firstDay + Int64(length)) * CivilTime.secondsPerDay <= limit { return nil }
            monthChanged = false
            day = min(day, length)
            let days = dayMask(daysInMonth: length, firstWeekday: CivilTime.weekday(days: firstDay))
                & ((2 << UInt64(day)) - 1)
            if days == 0 {
                month -= 1
                if month < 1 { month = 12; year -= 1 }
                day = 31; hour = 23; minute = 59
                monthChanged = true
                continue
            }
            let matchedDay = 63 - days.leadingZeroBitCount
            if matchedDay != day { day = matchedDay; hour = 23; minute = 59 }
            let earlierHours = hours & ((2 << UInt64(hour)) - 1)
            if earlierHours == 0 { day -= 1; hour = 23; minute = 59; continue }
            let matchedHour = 63 - earlierHours.leadingZeroBitCount
            if matchedHour != hour { hour = matchedHour; minute = 59 }
            let earlierMinutes = minutes & ((2 << UInt64(minute)) - 1)
            if earlierMinutes == 0 {
                hour -= 1
                minute = 59
                if hour < 0 { day -= 1; hour = 23 }
                continue
            }
            let result = (firstDay + Int64(day - 1)) * CivilTime.secondsPerDay
                + Int64(hour * 3600 + (63 - earlierMinutes.leadingZeroBitCount) * 60)
            return result >= limit ? result : nil
        }
    }
}
