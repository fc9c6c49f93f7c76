import BatonManifest
import BatonStore
import Foundation

/// What a pass will change (or, for `baton plan`, would change) in the live state.
public struct Plan: Sendable {
    /// By pipeline name; only pipelines that change.
    public var entries: [PlanEntry]
    public var summary: PlanSummary

    public init(entries: [PlanEntry], summary: PlanSummary) {
        self.entries = entries
        self.summary = summary
    }

    public static let empty = Plan(entries: [], summary: PlanSummary())
}

/// One pipeline's change.
public struct PlanEntry: Sendable {
    public var pipeline: String
    public var kind: ChangeKind
    /// The manifest that asks for the change (for a retire, the one that was removed).
    public var path: String
    /// Where the manifest was before, when it moved in the same change.
    public var previousPath: String?
    public var blobID: String
    /// The spec the pipeline will have (for a retire, its last one).
    public var spec: String
    public var specHash: String
    /// The version this change replaces, if any.
    public var previousVersion: Int?
    /// Changed fields as JSON pointers; for a create or retire, empty.
    public var changes: [FieldChange]
    /// For a create, a retire, a revive or a schedule change: how the schedule reads and
    /// when it fires next, before and after.
    public var schedule: SchedulePreview?
    /// Who asked for it; filled in by attribution after planning.
    public var attribution: ChangeAttribution?
}

/// The schedule of a pipeline before and after a change, for reviewers.
public struct SchedulePreview: Sendable, Hashable, Codable {
    public var before: ScheduleSummary?
    public var after: ScheduleSummary?
}

/// How a schedule reads and its next fire times.
public struct ScheduleSummary: Sendable, Hashable, Codable {
    public var description: String
    public var timeZone: String?
    public var next: [Date]
    /// What else starts it (`triggers`), in words.
    public var triggers: [String]
    /// What its failures start (`onFailure`), in words.
    public var onFailure: String?

    /// nil-schedule pipelines run only by hand or by their triggers.
    init(pipeline: Pipeline, after instant: Date, count: Int = 3) {
        triggers = pipeline.triggers.map(\.description)
        onFailure = pipeline.onFailure?.description
        guard let schedule = pipeline.schedule else {
            description = pipeline.triggers.isEmpty ? "no schedule: runs only when triggered" : "no schedule: runs on its triggers"
            timeZone = nil
            next = []
            return
        }
        description = schedule.schedule.description(in: schedule.timeZone)
        timeZone = TimeZones.name(of: schedule.timeZone)
        next = Array(schedule.schedule.fireTimes(after: instant).prefix(count))
    }
}

/// The commit behind a change and its people.
public struct ChangeAttribution: Sendable, Hashable {
    /// The commit that last changed the manifest (on the merged branch, for a merge).
    public var commit: CommitStamp
    /// The merge commit that brought it in, if any, and who made it.
    public var mergeCommit: String?
    public var mergedBy: Person?
}
