import BatonGit
import BatonManifest
import BatonStore
import Foundation

extension Reconciler {
    /// What moving the live state from commit `base` to commit `head` would change, with no
    /// store at all: `baton plan --base main --head feature` in a pull-request check.
    ///
    /// `base`'s valid pipelines stand in for the live state (as if `base` had been applied);
    /// `head` is judged exactly as a pass would judge it, so an invalid head is `rejected`
    /// with every diagnostic, and a head that empties the manifests path is rejected with
    /// `empty-source` unless `allowEmpty`.
    public static func compare(repository: GitRepository, base: GitObjectID, head: GitObjectID, manifestsPath: String, allowEmpty: Bool = false, now: Date = Date()) throws(ReconcileError) -> ReconcileReport {
        let path = GitSource.normalize(manifestsPath)
        let stamp: CommitStamp
        let movement: RevisionMovement
        let before: DesiredRead
        var after: DesiredRead
        do {
            stamp = CommitStamp(try repository.commitInfo(head))
            movement = try Self.movement(repository, from: base, to: head)
            before = try readAll(repository, at: base, under: path)
            after = try readAll(repository, at: head, under: path)
            // As a pass with no state directory known judges it (`Options.stateDirectory`).
            let problems = try repository.exportProblems(at: head, prefixBytes: TreeStore(stateDirectory: "").exportPrefixBytes)
            if !problems.isEmpty { after.diagnostics = (after.diagnostics + problems).sorted() }
        } catch {
            throw ReconcileError(error, stage: .read)
        }
        var report = ReconcileReport(
            outcome: .rejected, alreadyJudged: false, commit: stamp, movement: movement, plan: .empty,
            diagnostics: after.diagnostics, revisionID: nil, incremental: false, mirrorNote: nil, applied: false)
        guard after.isValid else { return report }

        var live: [String: LivePipeline] = [:]
        for (name, pipeline) in before.pipelines {
            live[name] = LivePipeline(name: name, state: .active, version: nil, specHash: pipeline.specHash, spec: pipeline.spec, path: pipeline.path, blobID: pipeline.blobID)
        }
        var plan = Planner.plan(desired: after.pipelines, live: live, scope: .all, activeBefore: live.count, now: now)
        if after.pipelines.isEmpty, !live.isEmpty, !allowEmpty {
            report.diagnostics.append(emptySourceDiagnostic(
                path: path, commit: stamp, live: live.count, consequence: " at the base; applying it would retire every pipeline"))
            report.diagnostics.sort()
            report.plan = plan
            return report
        }
        if !plan.entries.isEmpty {
            do {
                try attribute(&plan, repository: repository, from: base, to: head, tip: stamp, under: path)
            } catch {
                throw ReconcileError(error, stage: .read)
            }
        }
        report.plan = plan
        report.outcome = plan.summary.hasChanges ? .applied : .unchanged
        return report
    }
}
