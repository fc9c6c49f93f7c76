import Foundation

/// The pipelines page: every pipeline with its schedule, next fire and recent runs.
public struct PipelinesPageModel: Sendable, Hashable {
    public var chrome: PageChrome
    /// In the order to show them (the server sorts; usually by name, active first).
    public var pipelines: [PipelineSummary]

    public init(chrome: PageChrome, pipelines: [PipelineSummary]) {
        self.chrome = chrome
        self.pipelines = pipelines
    }

    public var activeCount: Int { pipelines.count(where: { !$0.isRetired }) }
    public var retiredCount: Int { pipelines.count(where: { $0.isRetired }) }
}

/// One row of the pipelines page.
public struct PipelineSummary: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// The current version's number.
    public var version: Int?
    public var isRetired: Bool
    /// The schedule in words (`Schedule.description(in:)`); nil for a pipeline run by hand only.
    public var scheduleText: String?
    /// The schedule's zone: next fire is shown in it. nil for interval schedules or none.
    public var timeZone: TimeZone?
    public var nextFire: Date?
    public var suspension: Suspension
    /// The last runs, OLDEST FIRST, as Airflow's grid reads left to right (about ten).
    public var recentRuns: [RunSquare]

    public init(name: String, description: String? = nil, version: Int? = nil, isRetired: Bool = false, scheduleText: String? = nil, timeZone: TimeZone? = nil, nextFire: Date? = nil, suspension: Suspension = .none, recentRuns: [RunSquare] = []) {
        self.name = name
        self.description = description
        self.version = version
        self.isRetired = isRetired
        self.scheduleText = scheduleText
        self.timeZone = timeZone
        self.nextFire = nextFire
        self.suspension = suspension
        self.recentRuns = recentRuns
    }
}

/// One square of the run grid: a link to the run, coloured by its state, with a tooltip.
public struct RunSquare: Sendable, Hashable {
    public var id: Int64
    public var state: DashboardState
    /// `schedule`, `manual`, `retry`… as the store says it.
    public var trigger: String
    /// The scheduled slot; nil for manual runs.
    public var slot: Date?
    /// When the run was queued: what the tooltip shows for a run without a slot.
    public var createdAt: Date?

    public init(id: Int64, state: DashboardState, trigger: String, slot: Date? = nil, createdAt: Date? = nil) {
        self.id = id
        self.state = state
        self.trigger = trigger
        self.slot = slot
        self.createdAt = createdAt
    }
}
