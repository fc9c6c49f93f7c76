import BatonGit
import BatonManifest
import BatonStore
import Foundation

extension Operations {
    /// What is live, what was last tried (with every diagnostic of a rejected commit), the
    /// daemon, and every pipeline with its next fire time. Reads the store only.
    public func status() async throws(OperationError) -> StatusReport {
        guard let source = try await stored({ () async throws(StoreError) in try await store.source() }) else {
            throw OperationError(.notReconciled, "nothing reconciled yet: the state store in \(stateDirectory) has no source; run `baton reconcile --once` first")
        }
        // The live and attempted revisions are among the newest judged ones: a revision is
        // only added when a pass sees a commit it has not judged before.
        let revisions = try await stored { () async throws(StoreError) in try await store.revisions(limit: 500) }
        let live = source.lastAppliedCommit.flatMap { id in revisions.first { $0.commit.id == id && $0.outcome != .rejected } }
        let attempted = source.lastAttemptedCommit.flatMap { id in revisions.first { $0.commit.id == id } }
        let time = now()
        let pipelines = try await overviews(at: time, fireTimes: 1, recentRuns: 0)
        let record = try await stored { () async throws(StoreError) in try await store.daemon() }
        let running = record.map { daemon.runningPid() == $0.pid } ?? false
        return StatusReport(
            healthy: source.lastError == nil && source.lastAttemptOutcome != .rejected,
            now: time,
            daemon: record.map { record in
                DaemonStatus(
                    running: running, pid: record.pid, startedAt: record.startedAt, stoppedAt: record.stoppedAt, intervalSeconds: record.interval,
                    lastReconcileAt: record.lastReconcileAt, nextReconcileAt: record.nextReconcileAt, sourceFailures: record.sourceFailures,
                    sourceError: record.sourceError, lastReconcile: record.lastReconcile)
            },
            source: SourceStatus(
                url: URLRedaction.redact(source.url), ref: source.ref, path: source.path, lastFetchedCommit: source.lastFetchedCommit,
                lastFetchedAt: source.lastFetchedAt, lastError: source.lastError, lastErrorAt: source.lastErrorAt,
                lastErrorTransient: source.lastErrorTransient, consecutiveFailures: source.consecutiveFailures),
            live: LiveRevision(commit: source.lastAppliedCommit, appliedAt: source.lastAppliedAt, revision: live.map(RevisionInfo.init)),
            lastAttempt: AttemptedRevision(
                commit: source.lastAttemptedCommit, attemptedAt: source.lastAttemptedAt, outcome: source.lastAttemptOutcome,
                author: source.lastAttemptAuthor, diagnostics: source.lastAttemptDiagnostics.map(DiagnosticInfo.init),
                revision: attempted.map(RevisionInfo.init)),
            pipelines: pipelines,
            counts: Self.counts(pipelines))
    }

    /// Every pipeline, active and retired, with its schedule, next fire times, suspension
    /// and recent runs.
    public func pipelines(_ request: PipelinesRequest = PipelinesRequest()) async throws(OperationError) -> PipelineList {
        let fireTimes = try Self.checked(request.fireTimes, "fireTimes", in: 0...50)
        let recent = try Self.checked(request.recentRuns, "recentRuns", in: 0...100)
        let pipelines = try await overviews(at: now(), fireTimes: fireTimes, recentRuns: recent)
        return PipelineList(pipelines: pipelines, counts: Self.counts(pipelines))
    }

    static func counts(_ pipelines: [PipelineOverview]) -> PipelineCounts {
        PipelineCounts(active: pipelines.filter { $0.state == .active }.count, retired: pipelines.filter { $0.state == .retired }.count)
    }

    /// The overviews of the named pipelines (every pipeline when nil), by name.
    func overviews(named names: [String]? = nil, at time: Date, fireTimes: Int, recentRuns: Int) async throws(OperationError) -> [PipelineOverview] {
        let snapshot: OverviewSnapshots.Snapshot
        if names == nil {
            // Every pipeline: the rows may be kept (see `OverviewSnapshots`).
            let change = try await changeCount()
            if let kept = snapshots.snapshot(recentRuns: recentRuns, change: change) {
                snapshot = kept
            } else {
                snapshot = try await read(named: nil, recentRuns: recentRuns)
                snapshots.keep(snapshot, recentRuns: recentRuns, change: change)
            }
        } else {
            snapshot = try await read(named: names, recentRuns: recentRuns)
        }
        return snapshot.records.map { record in
            let version = snapshot.versions[record.name]
            return Self.overview(record, version: version, model: version.flatMap(models.model(of:)), override: snapshot.overrides[record.name],
                                 runs: snapshot.runs[record.name] ?? [], at: time, fireTimes: fireTimes)
        }
    }

    /// The rows an overview is made of: the pipelines, their current versions, suspensions
    /// and recent runs.
    private func read(named names: [String]?, recentRuns: Int) async throws(OperationError) -> OverviewSnapshots.Snapshot {
        let records = try await stored { () async throws(StoreError) in
            if let names { return try await store.pipelines(named: names) }
            return try await store.pipelines()
        }
        var versions: [String: PipelineVersion] = [:]
        for version in try await stored({ () async throws(StoreError) in try await store.currentVersions(of: records.map(\.name)) }) {
            versions[version.pipeline] = version
        }
        var overrides: [String: PipelineOverride] = [:]
        for override in try await stored({ () async throws(StoreError) in try await store.overrides() }) { overrides[override.pipeline] = override }
        let runs = try await stored { () async throws(StoreError) in try await store.recentRuns(of: records.map(\.name), limit: recentRuns) }
        return OverviewSnapshots.Snapshot(records: records, versions: versions, overrides: overrides, runs: runs)
    }

    static func overview(_ record: PipelineRecord, version: PipelineVersion?, model: Pipeline?, override: PipelineOverride?, runs: [RunRecord],
                         at time: Date, fireTimes: Int) -> PipelineOverview {
        let schedule = model?.schedule.map { schedule in
            let next = record.state == .active ? Array(schedule.schedule.fireTimes(after: time).prefix(fireTimes)) : []
            return ScheduleInfo(
                description: schedule.schedule.description(in: nil), timeZone: TimeZones.name(of: schedule.timeZone), nextFireTimes: next,
                nextFireTimesLocal: next.map { RFC3339.localString($0, offsetSeconds: schedule.timeZone.secondsFromGMT(for: $0)) })
        }
        let byManifest = model?.suspend == true
        return PipelineOverview(
            name: record.name, state: record.state, version: record.version, versionID: record.currentVersionID, file: version?.filePath,
            commit: version?.commit, description: model?.description, specReadable: model != nil, schedule: schedule,
            triggers: model?.triggers.map(\.description) ?? [], onFailure: model?.onFailure?.description,
            suspended: byManifest || override != nil, suspendedByManifest: byManifest,
            suspendedByOperator: override.map { OperatorSuspension(actor: $0.actor, since: $0.since, reason: $0.reason) },
            recentRuns: runs.reversed().map(RunBrief.init), updatedAt: record.updatedAt)
    }
}
