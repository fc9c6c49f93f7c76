import Foundation

/// One run: its header, its DAG, the timeline of its attempts and each attempt's log.
public struct RunPageModel: Sendable, Hashable {
    public var chrome: PageChrome
    public var pipeline: String
    public var id: Int64
    public var state: DashboardState
    public var trigger: String
    /// Why it ended the way it did, or who asked for it.
    public var reason: String?
    /// The pipeline version it runs.
    public var version: Int?
    /// The run this one resumes, for a retry.
    public var retryOf: Int64?
    public var slot: Date?
    public var createdAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var parameters: [String: String]
    /// Every task of the version's spec, in the spec's order, with its dependencies.
    public var tasks: [TaskNode]
    /// Every attempt of every task, in any order.
    public var attempts: [AttemptSummary]
    /// The log panels, in the order to show them (usually task order, newest attempt first).
    public var logs: [LogPanel]

    public init(chrome: PageChrome, pipeline: String, id: Int64, state: DashboardState, trigger: String, reason: String? = nil, version: Int? = nil, retryOf: Int64? = nil, slot: Date? = nil, createdAt: Date? = nil, startedAt: Date? = nil, finishedAt: Date? = nil, parameters: [String: String] = [:], tasks: [TaskNode] = [], attempts: [AttemptSummary] = [], logs: [LogPanel] = []) {
        self.chrome = chrome
        self.pipeline = pipeline
        self.id = id
        self.state = state
        self.trigger = trigger
        self.reason = reason
        self.version = version
        self.retryOf = retryOf
        self.slot = slot
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.parameters = parameters
        self.tasks = tasks
        self.attempts = attempts
        self.logs = logs
    }

    /// Cancel makes sense while the run can still change.
    public var canCancel: Bool { state == .queued || state == .running }
    /// Retry resumes a run that ended badly, keeping the tasks that succeeded.
    public var canRetry: Bool { state == .failed || state == .timedOut || state == .cancelled }
}

/// One task of the run's DAG.
public struct TaskNode: Sendable, Hashable {
    public var id: String
    /// The ids of the tasks it waits for (`needs`).
    public var needs: [String]
    public var state: DashboardState

    public init(id: String, needs: [String] = [], state: DashboardState) {
        self.id = id
        self.needs = needs
        self.state = state
    }
}

/// One attempt of one task: a bar on the Gantt timeline.
public struct AttemptSummary: Sendable, Hashable {
    public var task: String
    /// 1-based.
    public var attempt: Int
    public var state: DashboardState
    /// nil for an attempt not started yet: it has no place on a timeline and draws no bar.
    public var startedAt: Date?
    /// nil while it runs: the bar reaches `chrome.now`.
    public var finishedAt: Date?
    public var exitCode: Int?
    public var reason: String?

    public init(task: String, attempt: Int, state: DashboardState, startedAt: Date? = nil, finishedAt: Date? = nil, exitCode: Int? = nil, reason: String? = nil) {
        self.task = task
        self.attempt = attempt
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.reason = reason
    }
}

/// One attempt's log: the lines already known, rendered by the server, and where to follow
/// the rest live.
public struct LogPanel: Sendable, Hashable {
    public var task: String
    public var attempt: Int
    public var state: DashboardState
    /// The lines read so far (without their newlines).
    public var lines: [String]
    /// Whether the start of the log was left out (a long log shows its tail).
    public var truncated: Bool
    /// The Server-Sent Events URL to tail (`DashboardRoutes.logStream(run:task:attempt:offset:)`,
    /// with the offset after `lines`), or nil when the attempt has ended and `lines` is all.
    /// The stream sends each new line as a `message` event and one `end` event when done.
    public var streamURL: String?

    public init(task: String, attempt: Int, state: DashboardState, lines: [String] = [], truncated: Bool = false, streamURL: String? = nil) {
        self.task = task
        self.attempt = attempt
        self.state = state
        self.lines = lines
        self.truncated = truncated
        self.streamURL = streamURL
    }
}
