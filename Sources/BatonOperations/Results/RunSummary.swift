import BatonStore
import Foundation

/// One run: how it was started, by whom, how it ended and why.
public struct RunSummary: Sendable, Equatable, Codable {
    public var id: Int64
    public var pipeline: String
    /// Nil for a run of a manifest file (`baton run FILE`).
    public var versionID: Int64?
    /// `schedule`, `manual`, `retry`, `backfill`, `pipeline`, `failure` or `file`.
    public var trigger: RunRecord.Trigger
    public var state: RunRecord.State
    /// The slot of a scheduled run.
    public var scheduledAt: Date?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var durationMilliseconds: Int?
    /// Why it ended the way it did (a timeout, a cancel request and by whom).
    public var reason: String?
    /// The failed run this one resumes.
    public var retryOf: Int64?
    /// Who asked for it (`trigger`, a queued retry); nil for scheduled runs.
    public var requestedBy: String?
    /// The backfill that made it (`baton backfill`); nil for other runs.
    public var backfillID: Int64?
    /// For `pipeline` and `failure` runs: the run whose end started this one, and its pipeline.
    public var upstreamRunID: Int64?
    public var upstreamPipeline: String?
    /// For `file` runs: the absolute path of the file whose arrival started it (also in the
    /// parameter its trigger names, which a reader of the run need not know).
    public var triggerFile: String?
    public var parameters: [String: String]
    /// Its attempts, when asked for.
    public var attempts: [AttemptInfo]?

    public init(_ run: RunRecord, attempts: [TaskAttemptRecord]? = nil) {
        id = run.id ?? 0
        pipeline = run.pipeline
        versionID = run.versionID
        trigger = run.trigger
        state = run.state
        scheduledAt = run.scheduledAt
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        durationMilliseconds = run.startedAt.flatMap { start in run.finishedAt.map { Int(($0.timeIntervalSince(start) * 1000).rounded()) } }
        reason = run.reason
        retryOf = run.retryOf
        requestedBy = run.requestedBy
        backfillID = run.backfillID
        upstreamRunID = run.upstreamRunID
        upstreamPipeline = run.upstreamPipeline
        triggerFile = run.triggerFile
        parameters = run.parameters
        self.attempts = attempts.map { $0.map(AttemptInfo.init) }
    }

    /// Whether the run has ended, whatever way.
    public var isFinished: Bool { ![.queued, .running].contains(state) }

    /// What started it, in words: the trigger (`schedule`, `manual`, `retry`, `backfill`),
    /// or for a run started by another run's end `pipeline ingest run 42` and
    /// `failure of ingest run 42`, and for a run started by a file `file /data/in/a.csv`.
    public var cause: String {
        switch trigger {
        case .pipeline: "pipeline \(upstreamPipeline ?? "?") run \(upstreamRunID.map(String.init) ?? "?")"
        case .failure: "failure of \(upstreamPipeline ?? "?") run \(upstreamRunID.map(String.init) ?? "?")"
        case .file: "file \(triggerFile ?? "?")"
        case .schedule, .manual, .retry, .backfill: trigger.rawValue
        }
    }
}

/// One attempt of one task: which, how it ended and why.
public struct AttemptInfo: Sendable, Equatable, Codable {
    public var task: String
    /// 1, 2, … (0 for a result kept from the failed run a retry resumes).
    public var attempt: Int
    public var state: TaskState
    public var reason: String?
    public var exitCode: Int?
    public var signal: Int?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Whether a log was written (an attempt that never started a process has none).
    public var hasLog: Bool

    public init(_ record: TaskAttemptRecord) {
        task = record.taskID
        attempt = record.attempt
        state = record.state
        reason = record.reason
        exitCode = record.exitCode
        signal = record.signal
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        hasLog = record.logPath != nil
    }
}

/// Which runs to list, newest first.
public struct RunsRequest: Sendable, Hashable {
    public var pipeline: String?
    /// Any of these states; empty for all.
    public var states: [RunRecord.State]
    public var trigger: RunRecord.Trigger?
    /// 1 to 1,000.
    public var limit: Int
    /// The `nextCursor` of the previous page; nil for the first page.
    public var cursor: String?
    /// Whether each run comes with its attempts.
    public var withAttempts: Bool

    public init(pipeline: String? = nil, states: [RunRecord.State] = [], trigger: RunRecord.Trigger? = nil, limit: Int = 20, cursor: String? = nil, withAttempts: Bool = false) {
        self.pipeline = pipeline
        self.states = states
        self.trigger = trigger
        self.limit = limit
        self.cursor = cursor
        self.withAttempts = withAttempts
    }
}

/// A page of runs and where the next one starts (nil on the last page).
public struct RunPage: Sendable, Equatable, Codable {
    public var runs: [RunSummary]
    public var nextCursor: String?
}

/// One run with its attempts and the graph of its tasks, so a client can draw it.
public struct RunDetail: Sendable, Equatable, Codable {
    /// The run, with its attempts.
    public var run: RunSummary
    /// The version it ran: its number and commit; nil for a file run.
    public var version: VersionBrief?
    /// The tasks of the run's version with their dependencies and where each got to (for a
    /// file run, the tasks its attempts name, without dependencies).
    public var tasks: [RunTask]
}

public struct VersionBrief: Sendable, Equatable, Codable {
    public var id: Int64
    public var number: Int
    public var commit: String
    public var revisionCommit: String
}

/// A task of a run: the graph node and its state in the run.
public struct RunTask: Sendable, Equatable, Codable {
    public var task: TaskNode
    /// The last attempt's state; `pending` when none started.
    public var state: TaskState
    /// Attempts made (a kept result counts as none).
    public var attempts: Int
}
