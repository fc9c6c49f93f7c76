import BatonManifest
import BatonStore
import Foundation

/// A pipeline as the live state has it, for planning.
public struct LivePipeline: Sendable {
    public var name: String
    public var state: PipelineState
    public var version: Int?
    public var specHash: String
    /// The current spec and where it came from; needed only for pipelines that change.
    public var spec: String?
    public var path: String?
    public var blobID: String?

    public init(name: String, state: PipelineState, version: Int?, specHash: String, spec: String? = nil, path: String? = nil, blobID: String? = nil) {
        self.name = name
        self.state = state
        self.version = version
        self.specHash = specHash
        self.spec = spec
        self.path = path
        self.blobID = blobID
    }
}

/// Computes a plan from what a commit wants and what is live. Pure: no Git, no store.
///
/// `scope` limits which names are looked at: all of them for a full pass, only those a diff
/// touched for an incremental one. The same function serves both, which is what makes the
/// two give the same plan.
enum Planner {
    enum Scope {
        case all
        case names(Set<String>)
    }

    /// - Parameters:
    ///   - desired: the wanted pipelines within the scope, by name.
    ///   - live: the live (and retired) pipelines within the scope, by name, with `spec` set
    ///     for every one whose hash differs from the desired one or that is not desired.
    ///   - activeBefore: how many pipelines are active in the whole live state.
    static func plan(desired: [String: DesiredPipeline], live: [String: LivePipeline], scope: Scope, activeBefore: Int, now: Date) -> Plan {
        let names: Set<String>
        switch scope {
        case .all: names = Set(desired.keys).union(live.keys)
        case .names(let scoped): names = scoped
        }
        var entries: [PlanEntry] = []
        var summary = PlanSummary()
        for name in names.sorted() {
            let want = desired[name]
            let have = live[name]
            switch (want, have) {
            case let (want?, nil):
                summary.creates += 1
                entries.append(entry(name, .create, want, have: nil, now: now))
            case let (want?, have?) where have.state == .retired:
                summary.revives += 1
                entries.append(entry(name, .revive, want, have: have, now: now))
            case let (want?, have?) where have.specHash != want.specHash:
                summary.updates += 1
                entries.append(entry(name, .update, want, have: have, now: now))
            case (_?, _?):
                continue
            case let (nil, have?) where have.state == .active:
                summary.retires += 1
                let before = have.spec.flatMap { decode($0, path: have.path ?? name) }
                entries.append(PlanEntry(
                    pipeline: name, kind: .retire, path: have.path ?? "", previousPath: nil, blobID: have.blobID ?? "",
                    spec: have.spec ?? "", specHash: have.specHash, previousVersion: have.version, changes: [],
                    schedule: SchedulePreview(before: before.map { ScheduleSummary(pipeline: $0, after: now) }, after: nil)))
            case (nil, _):
                continue
            }
        }
        summary.unchanged = activeBefore - summary.updates - summary.retires
        return Plan(entries: entries, summary: summary)
    }

    private static func entry(_ name: String, _ kind: ChangeKind, _ want: DesiredPipeline, have: LivePipeline?, now: Date) -> PlanEntry {
        var changes: [FieldChange] = []
        if let old = have?.spec, kind != .create { changes = FieldDiff.changes(from: old, to: want.spec) }
        let after = ScheduleSummary(pipeline: want.pipeline, after: now)
        var preview: SchedulePreview?
        switch kind {
        case .create:
            preview = SchedulePreview(before: nil, after: after)
        case .revive, .update:
            // What starts the pipeline: its schedule, and its triggers and failure handler.
            let scheduleChanged = changes.contains { change in
                ["/schedule", "/triggers", "/onFailure"].contains { change.pointer == $0 || change.pointer.hasPrefix($0 + "/") }
            }
            if kind == .revive || scheduleChanged {
                let before = have?.spec.flatMap { decode($0, path: want.path) }.map { ScheduleSummary(pipeline: $0, after: now) }
                preview = SchedulePreview(before: before, after: after)
            }
        case .retire:
            break
        }
        return PlanEntry(
            pipeline: name, kind: kind, path: want.path,
            previousPath: have?.path.flatMap { $0 == want.path ? nil : $0 },
            blobID: want.blobID, spec: want.spec, specHash: want.specHash, previousVersion: have?.version,
            changes: changes, schedule: preview)
    }

    /// The model of a stored spec, for schedule previews.
    private static func decode(_ spec: String, path: String) -> Pipeline? {
        ManifestFile(path: path, bytes: Array(spec.utf8)).pipeline
    }
}
