import BatonManifest
import BatonStore
import Foundation
import Logging

/// Which runs the end of a run starts: the live pipelines whose `triggers` name its pipeline,
/// and its own version's `onFailure`.
///
/// Kept like the scheduler's book: loaded at start and after each applied pass, re-reading
/// only pipelines whose version changed. A dependent fires only for upstream runs that ended
/// after its trigger was applied, so a new trigger never fires for old runs (and the daemon's
/// catch-up at start, `awaiting()`, has a lower bound).
public actor Dependents {
    struct Entry: Sendable {
        var pipeline: String
        var versionID: Int64
        var appliedAt: Date
        var trigger: UpstreamTrigger
    }

    let store: any StateStore
    let requests: VersionRequests
    let logger: Logger
    let now: @Sendable () -> Date
    /// Dependents by upstream pipeline.
    private var byUpstream: [String: [Entry]] = [:]
    /// Every live pipeline's current version, its `onFailure` and when it was applied.
    private var versions: [String: (versionID: Int64, appliedAt: Date, onFailure: FailureHandler?, upstreams: [UpstreamTrigger])] = [:]
    /// How deep a chain of runs failing before they start may go in one call (each starts
    /// the next failure handler): validation refuses loops, this bounds a live state that
    /// changed under a chain.
    static let maximumChain = 16

    public init(store: any StateStore, requests: VersionRequests, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.requests = requests
        self.logger = logger
        self.now = now
    }

    /// Brings the triggers up to date with the store's live pipelines.
    public func reload(_ pipelines: LivePipelines) async {
        var next: [String: (versionID: Int64, appliedAt: Date, onFailure: FailureHandler?, upstreams: [UpstreamTrigger])] = [:]
        for record in pipelines.records where record.state == .active {
            if let known = versions[record.name], known.versionID == record.currentVersionID {
                next[record.name] = known
                continue
            }
            do {
                let (version, pipeline) = try await requests.pipeline(versionID: record.currentVersionID)
                next[record.name] = (record.currentVersionID, version.appliedAt, pipeline.onFailure, pipeline.upstreamTriggers)
            } catch {
                logger.error("cannot read a pipeline's triggers; its upstreams will not start it", metadata: ["pipeline": "\(record.name)", "error": "\(error.message)"])
            }
        }
        versions = next
        var index: [String: [Entry]] = [:]
        for (name, version) in next {
            for trigger in version.upstreams {
                index[trigger.pipeline, default: []].append(Entry(pipeline: name, versionID: version.versionID, appliedAt: version.appliedAt, trigger: trigger))
            }
        }
        byUpstream = index.mapValues { $0.sorted { $0.pipeline < $1.pipeline } }
    }

    /// Whether the end of a run of `pipeline` (under a version with or without `onFailure`)
    /// can start anything, so runs of other pipelines cost no write.
    func matters(_ pipeline: String, onFailure: FailureHandler?) -> Bool {
        byUpstream[pipeline] != nil || onFailure != nil
    }

    /// Finished runs whose dependents a stopped daemon did not record: fired at start.
    func awaiting() async throws(StoreError) -> [RunRecord] {
        var pipelines: Set<String> = Set(byUpstream.keys)
        var since = Date.distantFuture
        for entries in byUpstream.values { for entry in entries { since = min(since, entry.appliedAt) } }
        for (name, version) in versions where version.onFailure != nil {
            pipelines.insert(name)
            since = min(since, version.appliedAt)
        }
        guard !pipelines.isEmpty else { return [] }
        return try await store.runsAwaitingDependents(of: pipelines.sorted(), finishedSince: since)
    }

    /// The runs the end of `upstream` starts, not yet stored: one per dependent whose trigger
    /// matches its state, and one of its `onFailure` pipeline when it failed. Each is keyed
    /// `run:<id>`, so the store keeps one per pipeline whatever happens. A run whose
    /// parameters cannot be filled (an output the upstream did not write) is made `failed`
    /// with the reason, so the gap is seen rather than skipped.
    func runs(after upstream: RunRecord, onFailure: FailureHandler?, tasks taskOrder: [String]) async -> [RunRecord] {
        guard let id = upstream.id, let ended = upstream.finishedAt else { return [] }
        let state = upstream.state.rawValue
        var context: ParameterTemplate.Upstream?
        var runs: [RunRecord] = []
        var started: Set<String> = []
        let time = now()
        for entry in byUpstream[upstream.pipeline] ?? [] where entry.trigger.fires(on: state) && entry.appliedAt <= ended && !started.contains(entry.pipeline) {
            started.insert(entry.pipeline)
            var run = RunRecord(
                pipeline: entry.pipeline, versionID: entry.versionID, scheduledAt: nil, trigger: .pipeline, state: .queued, createdAt: time,
                upstreamRunID: id, upstreamPipeline: upstream.pipeline, triggerKey: "run:\(id)")
            if context == nil, !entry.trigger.params.isEmpty {
                context = await templateContext(upstream, id: id, taskOrder: taskOrder)
            }
            do throws(ParameterTemplate.Unresolved) {
                for (name, template) in entry.trigger.params {
                    guard let context else { break }
                    run.parameters[name] = try template.resolve(context)
                }
            } catch {
                run.state = .failed
                run.finishedAt = time
                run.reason = "not started: parameter of the trigger on \(upstream.pipeline): \(error.message)"
            }
            runs.append(run)
        }
        if let handler = onFailure, upstream.state == .failed || upstream.state == .timedOut, !started.contains(handler.pipeline) {
            if let version = versions[handler.pipeline] {
                let reason = await failureReason(upstream, id: id)
                runs.append(RunRecord(
                    pipeline: handler.pipeline, versionID: version.versionID, scheduledAt: nil, trigger: .failure, state: .queued,
                    parameters: ["failedRun": String(id), "failedPipeline": upstream.pipeline, "failedReason": reason],
                    createdAt: time, upstreamRunID: id, upstreamPipeline: upstream.pipeline, triggerKey: "run:\(id)"))
            } else {
                logger.warning("onFailure names a pipeline that is not live; nothing started", metadata: ["run": "\(id)", "pipeline": "\(upstream.pipeline)", "onFailure": "\(handler.pipeline)"])
            }
        }
        return runs
    }

    /// Why the run failed, for its failure handler: the run's own reason (a timeout, a cancel),
    /// else its first failed task and why (`task load failed: exited with status 3`).
    private func failureReason(_ run: RunRecord, id: Int64) async -> String {
        if let reason = run.reason { return reason }
        do {
            let attempts = try await store.attempts(ofRun: id)
            if let failed = attempts.filter({ $0.state.isFailure }).max(by: { $0.attempt < $1.attempt }) {
                return "task \(failed.taskID) \(failed.state.rawValue)" + (failed.reason.map { ": \($0)" } ?? "")
            }
        } catch {
            logger.warning("cannot read the failed run's attempts for its failure handler", metadata: ["run": "\(id)", "error": "\(error.message)"])
        }
        return run.state.rawValue
    }

    /// What a trigger's templates see of the upstream run: its fields, parameters and each
    /// task's outputs (of its last successful attempt).
    private func templateContext(_ upstream: RunRecord, id: Int64, taskOrder: [String]) async -> ParameterTemplate.Upstream {
        var outputs: [String: [String: String]] = [:]
        do {
            for attempt in try await store.attempts(ofRun: id).sorted(by: { $0.attempt < $1.attempt }) where attempt.state.isSuccess {
                outputs[attempt.taskID] = attempt.outputs
            }
        } catch {
            // Templates naming an output then fail, naming it: the dependent run records the
            // gap instead of starting with a wrong value.
            logger.warning("cannot read the upstream run's outputs for its dependents", metadata: ["run": "\(id)", "error": "\(error.message)"])
        }
        return ParameterTemplate.Upstream(
            runID: id, pipeline: upstream.pipeline, state: upstream.state.rawValue, reason: upstream.reason,
            scheduledTime: upstream.scheduledAt.map(RFC3339.utcString), parameters: upstream.parameters,
            outputs: outputs, taskOrder: taskOrder)
    }
}
