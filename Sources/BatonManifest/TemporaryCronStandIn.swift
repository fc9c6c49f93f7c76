// TEMPORARY: stands in for the schedules branch's API until it merges. Deleted at merge.
import Foundation

public struct CronSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var column: Int
    public var description: String { message }
}

public struct CronExpression: Sendable, Hashable {
    public let text: String
    public init(parsing text: String) throws(CronSyntaxError) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 || (fields.count == 1 && text.contains("@")) else {
            throw CronSyntaxError(message: "expected 5 fields, found \(fields.count)", column: 1)
        }
        self.text = text
    }
    public var isFixedTime: Bool { true }
}

public struct ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum Schedule: Sendable, Hashable {
    case cron(CronExpression, timeZone: TimeZone)
    case every(ManifestDuration, offset: ManifestDuration?)
    public init(every: ManifestDuration, offset: ManifestDuration?) throws(ScheduleError) {
        guard every.milliseconds >= 1000 else { throw ScheduleError(message: "interval under 1s") }
        self = .every(every, offset: offset)
    }
    public func nextFireTime(after instant: Date) -> Date? {
        switch self {
        case .cron: return instant.addingTimeInterval(86400)
        case .every(let d, _): return instant.addingTimeInterval(d.seconds)
        }
    }
    public func description(in timeZone: TimeZone?) -> String { "stand-in" }
}
