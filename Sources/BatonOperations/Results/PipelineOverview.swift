import BatonStore
import Foundation

/// One pipeline as a list shows it: its current version, schedule in words with its next
/// fire times, whether and why it is suspended, and the states of its last runs (Airflow's
/// grid).
public struct PipelineOverview: Sendable, Equatable, Codable {
    public var name: String
    public var state: PipelineState
    /// The current version's number (1, 2, …).
    public var version: Int
    public var versionID: Int64
    public var file: String?
    /// The commit that wrote the current version, with its author.
    public var commit: CommitStamp?
    public var description: String?
    /// False when the stored spec no longer validates (then schedule and suspension by
    /// manifest are unknown).
    public var specReadable: Bool
    /// Nil for a pipeline that runs only when triggered.
    public var schedule: ScheduleInfo?
    /// What else starts it (`triggers`), in words: `after ingest succeeds`.
    public var triggers: [String]
    /// What its failures start (`onFailure`), in words.
    public var onFailure: String?
    /// Paused by its manifest (`suspend: true`) or by an operator.
    public var suspended: Bool
    public var suspendedByManifest: Bool
    public var suspendedByOperator: OperatorSuspension?
    /// The newest runs, oldest first (empty unless asked for).
    public var recentRuns: [RunBrief]
    public var updatedAt: Date
}

/// A schedule in words and when it fires next, on its own wall clock.
public struct ScheduleInfo: Sendable, Equatable, Codable {
    /// `at 02:00 every day`.
    public var description: String
    /// The IANA zone the schedule is read in.
    public var timeZone: String
    /// The next fire times (none for a retired pipeline).
    public var nextFireTimes: [Date]
    /// The same instants on the schedule's wall clock: `2026-03-02T02:00:00-03:00`.
    public var nextFireTimesLocal: [String]
}

/// An operator's pause (`suspend`), on top of what Git says.
public struct OperatorSuspension: Sendable, Equatable, Codable {
    public var actor: String
    public var since: Date
    public var reason: String?

    public init(actor: String, since: Date, reason: String?) {
        self.actor = actor
        self.since = since
        self.reason = reason
    }
}

/// A run as a grid square shows it.
public struct RunBrief: Sendable, Equatable, Codable {
    public var id: Int64
    public var state: RunRecord.State
    public var trigger: RunRecord.Trigger
    public var scheduledAt: Date?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    init(_ run: RunRecord) {
        id = run.id ?? 0
        state = run.state
        trigger = run.trigger
        scheduledAt = run.scheduledAt
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
    }
}

/// Every pipeline, active and retired, by name.
public struct PipelineList: Sendable, Equatable, Codable {
    public var pipelines: [PipelineOverview]
    public var counts: PipelineCounts
}

/// What to show of each pipeline.
public struct PipelinesRequest: Sendable, Hashable {
    /// How many next fire times (0 to 50).
    public var fireTimes: Int
    /// How many recent runs per pipeline (0 to 100).
    public var recentRuns: Int

    public init(fireTimes: Int = 3, recentRuns: Int = 10) {
        self.fireTimes = fireTimes
        self.recentRuns = recentRuns
    }
}
