import Foundation

/// When a pipeline runs, and what happens to slots that pass without a run.
public struct PipelineSchedule: Sendable, Hashable {
    /// What a slot missed while Baton was down or busy becomes.
    public enum MissedPolicy: String, Sendable, Hashable, CaseIterable {
        /// Start nothing for missed slots (the default: a backlog rarely helps a data job).
        case skip
        /// Start one run, for the latest missed slot.
        case latest
        /// Start every missed slot in order.
        case all
    }

    /// What a new slot does while a run of the same pipeline is still active.
    public enum ConcurrencyPolicy: String, Sendable, Hashable, CaseIterable {
        case forbid, replace, allow
    }

    /// Fire times: cron in `timeZone`, or an interval from the Unix epoch.
    public var schedule: Schedule
    public var timeZone: TimeZone
    public var missed: MissedPolicy
    public var startingDeadline: ManifestDuration?
    public var concurrency: ConcurrencyPolicy

    public init(schedule: Schedule, timeZone: TimeZone, missed: MissedPolicy = .skip, startingDeadline: ManifestDuration? = nil, concurrency: ConcurrencyPolicy = .forbid) {
        self.schedule = schedule
        self.timeZone = timeZone
        self.missed = missed
        self.startingDeadline = startingDeadline
        self.concurrency = concurrency
    }
}
