/// The five fields of a cron expression, in the order they are written.
///
/// Each field knows its own numeric range and its names, so that the parser and its error
/// messages speak about "day-of-week" and "SUN-SAT" in exactly the words SCHEDULES.md uses.
enum CronField: Int, Sendable, CaseIterable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    /// The spelling used in error messages and documentation.
    var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The smallest value a number may take.
    var lowest: Int { self == .dayOfMonth || self == .month ? 1 : 0 }

    /// The largest value a number may take; day-of-week allows 7 as a second Sunday.
    var highest: Int {
        switch self {
        case .minute: 59
        case .hour: 23
        case .dayOfMonth: 31
        case .month: 12
        case .dayOfWeek: 7
        }
    }

    /// The top of `*`'s range, which is also where `a/n` stops (S3): 6 for day-of-week, not 7,
    /// so that `*` and `0/1` never list Sunday twice.
    var starHighest: Int { self == .dayOfWeek ? 6 : highest }

    /// The three-letter names a field accepts, indexed so that a name's position plus
    /// `namesBase` is its value (JAN = 1, SUN = 0).
    var names: [String] {
        switch self {
        case .month: Self.monthNames
        case .dayOfWeek: Self.dayNames
        default: []
        }
    }

    var namesBase: Int { self == .month ? 1 : 0 }

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// What the field accepts, for the hint at the end of an error message.
    var accepted: String {
        switch self {
        case .minute: "minute takes 0-59"
        case .hour: "hour takes 0-23"
        case .dayOfMonth: "day-of-month takes 1-31 or L"
        case .month: "month takes 1-12 or JAN-DEC"
        case .dayOfWeek: "day-of-week takes 0-7 (0 and 7 are Sunday) or SUN-SAT"
        }
    }
}
