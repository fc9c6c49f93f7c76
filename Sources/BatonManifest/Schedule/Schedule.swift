import Foundation

/// A schedule as a manifest describes it: a cron expression in a time zone, or a fixed
/// interval counted from the Unix epoch plus an offset.
///
/// This is the one type the validator, the planner and the scheduler ask about fire times,
/// so that `baton schedule next`, `plan` and the running scheduler can never disagree.
public enum Schedule: Sendable, Hashable {
    case cron(CronExpression, timeZone: TimeZone)
    /// `offset` nil means 0.
    case every(ManifestDuration, offset: ManifestDuration?)

    /// Validates an interval schedule: at least 1 s (a tighter loop is not a schedule), whole
    /// seconds from a day up (such slots are meant to fall on clock seconds), an offset
    /// shorter than the interval (a longer one names the same slots twice over), and no finer
    /// than the interval (so that an interval of whole seconds fires on whole seconds).
    public init(every: ManifestDuration, offset: ManifestDuration?) throws(ScheduleError) {
        let millis = every.milliseconds
        guard millis >= 1_000 else {
            throw ScheduleError(code: .intervalTooShort, message: "every: \"\(every)\" is shorter than 1s; write an interval of at least \"1s\"")
        }
        if millis >= ManifestDuration.Unit.day.milliseconds, millis % 1_000 != 0 {
            throw ScheduleError(code: .intervalNotWholeSeconds, message: "every: \"\(every)\" is a day or longer but not whole seconds; drop the \"ms\" part")
        }
        if let offset {
            guard offset < every else {
                throw ScheduleError(code: .offsetTooLarge, message: "offset: \"\(offset)\" is not shorter than every: \"\(every)\"; write an offset between 0 and \(every), like \"\(offset.milliseconds % millis == 0 ? "0s" : ManifestDuration(milliseconds: offset.milliseconds % millis)!.description)\"")
            }
            if millis % 1_000 == 0, offset.milliseconds % 1_000 != 0 {
                throw ScheduleError(code: .offsetTooPrecise, message: "offset: \"\(offset)\" has milliseconds but every: \"\(every)\" is whole seconds; drop the \"ms\" part so fire times land on whole seconds")
            }
        }
        self = .every(every, offset: offset)
    }

    /// The first fire time strictly after `instant`; nil only for instants beyond Date's
    /// useful range.
    public func nextFireTime(after instant: Date) -> Date? {
        switch self {
        case .cron(let expression, let timeZone):
            CronFireTimes(expression, in: timeZone).next(after: instant)
        case .every(let interval, let offset):
            IntervalSchedule(every: interval, offset: offset).next(after: instant)
        }
    }

    /// The last fire time strictly before `instant`, for catching up on missed runs.
    public func previousFireTime(before instant: Date) -> Date? {
        switch self {
        case .cron(let expression, let timeZone):
            CronFireTimes(expression, in: timeZone).previous(before: instant)
        case .every(let interval, let offset):
            IntervalSchedule(every: interval, offset: offset).previous(before: instant)
        }
    }

    /// Fire times strictly after `instant`, computed one at a time as the caller asks, so a
    /// caller may take three or walk a year without building an array.
    public func fireTimes(after instant: Date) -> some Sequence<Date> {
        let next: (Date) -> Date?
        switch self {
        case .cron(let expression, let timeZone):
            let fireTimes = CronFireTimes(expression, in: timeZone)
            next = fireTimes.next(after:)
        case .every(let interval, let offset):
            next = IntervalSchedule(every: interval, offset: offset).next(after:)
        }
        return sequence(state: instant) { (last: inout Date) -> Date? in
            guard let fire = next(last) else { return nil }
            last = fire
            return fire
        }
    }

    /// A sentence for people (`at 02:30 every day in America/New_York`). The cron zone is
    /// named unless it is `timeZone`, the zone the reader already assumes (pass nil to always
    /// name it); interval schedules are the same in every zone and never name one.
    public func description(in timeZone: TimeZone?) -> String {
        ScheduleDescription.describe(self, readerZone: timeZone)
    }
}
