import BatonManifest
import Foundation

/// One pipeline: its schedule, versions, runs and (for operators) the forms that act on it.
public struct PipelinePageModel: Sendable, Hashable {
    public var chrome: PageChrome
    public var name: String
    public var description: String?
    public var owners: [String]
    public var isRetired: Bool
    /// The schedule in words; nil for a pipeline run by hand only.
    public var scheduleText: String?
    /// The schedule's zone, in which the next fire times are shown.
    public var timeZone: TimeZone?
    /// The next few fire times, soonest first.
    public var nextFires: [Date]
    public var suspension: Suspension
    /// The current version's declared parameters: the trigger form's inputs.
    public var parameters: [Parameter]
    /// Newest first.
    public var versions: [VersionRow]
    /// Newest first.
    public var runs: [RunRow]
    /// A link to the next page of older runs, when there is one (the API's cursor).
    public var olderRunsURL: String?

    public init(chrome: PageChrome, name: String, description: String? = nil, owners: [String] = [], isRetired: Bool = false, scheduleText: String? = nil, timeZone: TimeZone? = nil, nextFires: [Date] = [], suspension: Suspension = .none, parameters: [Parameter] = [], versions: [VersionRow] = [], runs: [RunRow] = [], olderRunsURL: String? = nil) {
        self.chrome = chrome
        self.name = name
        self.description = description
        self.owners = owners
        self.isRetired = isRetired
        self.scheduleText = scheduleText
        self.timeZone = timeZone
        self.nextFires = nextFires
        self.suspension = suspension
        self.parameters = parameters
        self.versions = versions
        self.runs = runs
        self.olderRunsURL = olderRunsURL
    }
}

/// One immutable version of a pipeline: which commit made it, who wrote and who merged it.
public struct VersionRow: Sendable, Hashable {
    public var number: Int
    /// The full commit id; the page shows its first 12 characters.
    public var commit: String
    public var subject: String?
    /// `Name <email>` or just a name, as the commit says.
    public var author: String?
    /// The merge commit's committer, when the change came in through a merge.
    public var merger: String?
    public var appliedAt: Date?
    /// What this version changed (`created`, `schedule, tasks`, `revived`).
    public var change: String?

    public init(number: Int, commit: String, subject: String? = nil, author: String? = nil, merger: String? = nil, appliedAt: Date? = nil, change: String? = nil) {
        self.number = number
        self.commit = commit
        self.subject = subject
        self.author = author
        self.merger = merger
        self.appliedAt = appliedAt
        self.change = change
    }
}

/// One run in a runs table.
public struct RunRow: Sendable, Hashable {
    public var id: Int64
    public var state: DashboardState
    public var trigger: String
    public var slot: Date?
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(id: Int64, state: DashboardState, trigger: String, slot: Date? = nil, startedAt: Date? = nil, finishedAt: Date? = nil) {
        self.id = id
        self.state = state
        self.trigger = trigger
        self.slot = slot
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
