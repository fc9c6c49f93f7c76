import BatonDashboard
import BatonManifest
import BatonOperations
import BatonStore
import Foundation

/// Operation results as the dashboard's view models: the only place that knows both, so the
/// pages stay pure and the operations stay unaware of HTML.
enum DashboardModels {
    /// Active pipelines first, then retired, each by name.
    static func pipelines(_ list: PipelineList, chrome: PageChrome) -> PipelinesPageModel {
        var zones = ZoneCache()
        let sorted = list.pipelines.sorted { a, b in
            a.state == b.state ? a.name < b.name : a.state == .active
        }
        return PipelinesPageModel(chrome: chrome, pipelines: sorted.map { summary($0, zones: &zones) })
    }

    static func summary(_ p: PipelineOverview, zones: inout ZoneCache) -> PipelineSummary {
        PipelineSummary(
            name: p.name, description: p.description, version: p.version, isRetired: p.state == .retired,
            scheduleText: startsText(p), timeZone: p.schedule.flatMap { zones.zone($0.timeZone) },
            nextFire: p.schedule?.nextFireTimes.first, suspension: suspension(p),
            recentRuns: p.recentRuns.map { RunSquare(id: $0.id, state: DashboardState($0.state.rawValue), trigger: $0.trigger.rawValue, slot: $0.scheduledAt, createdAt: $0.createdAt) })
    }

    /// What starts the pipeline, in words: its schedule and its triggers.
    static func startsText(_ p: PipelineOverview) -> String? {
        let words = [p.schedule?.description].compactMap { $0 } + p.triggers
        return words.isEmpty ? nil : words.joined(separator: "; ")
    }

    static func suspension(_ p: PipelineOverview) -> Suspension {
        Suspension(byManifest: p.suspendedByManifest, byOperator: p.suspendedByOperator.map {
            BatonDashboard.OperatorSuspension(actor: $0.actor, reason: $0.reason, since: $0.since)
        })
    }

    static func pipeline(_ detail: PipelineDetail, runs: RunPage, chrome: PageChrome) -> PipelinePageModel {
        let p = detail.pipeline
        let routes = chrome.routes
        return PipelinePageModel(
            chrome: chrome, name: p.name, description: p.description, owners: detail.owners, isRetired: p.state == .retired,
            scheduleText: startsText(p), timeZone: p.schedule.flatMap { TimeZone(identifier: $0.timeZone) },
            nextFires: p.schedule?.nextFireTimes ?? [], suspension: suspension(p),
            parameters: detail.parameters.map {
                Parameter(name: $0.name, defaultValue: $0.defaultValue, allowed: $0.allowed, required: $0.required, description: $0.description)
            },
            versions: detail.versions.map { v in
                VersionRow(
                    number: v.number, commit: v.commit.id, subject: v.commit.subject, author: v.commit.author.description,
                    merger: v.mergedBy?.description, appliedAt: v.appliedAt,
                    change: v.fields.isEmpty || v.change != .update ? v.change.rawValue : v.fields.map(\.pointer).joined(separator: ", "))
            },
            runs: runs.runs.map {
                RunRow(id: $0.id, state: DashboardState($0.state.rawValue), trigger: $0.cause, slot: $0.scheduledAt, startedAt: $0.startedAt, finishedAt: $0.finishedAt)
            },
            olderRunsURL: runs.nextCursor.map { "\(routes.pipeline(p.name))?cursor=\(DashboardSite.queryEncoded($0))" })
    }

    static func run(_ detail: RunDetail, logs: [LogPanel], chrome: PageChrome) -> RunPageModel {
        let run = detail.run
        return RunPageModel(
            chrome: chrome, pipeline: run.pipeline, id: run.id, state: DashboardState(run.state.rawValue), trigger: run.cause,
            reason: run.reason ?? run.requestedBy.map { "requested by \($0)" }, version: detail.version?.number, retryOf: run.retryOf,
            slot: run.scheduledAt, createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt, parameters: run.parameters,
            tasks: detail.tasks.map { BatonDashboard.TaskNode(id: $0.task.id, needs: $0.task.needs, state: DashboardState($0.state.rawValue)) },
            attempts: (run.attempts ?? []).map {
                AttemptSummary(task: $0.task, attempt: $0.attempt, state: DashboardState($0.state.rawValue), startedAt: $0.startedAt, finishedAt: $0.finishedAt,
                               exitCode: $0.exitCode, reason: $0.reason)
            },
            logs: logs)
    }

    static func commits(_ status: StatusReport?, chrome: PageChrome) -> CommitsPageModel {
        guard let status else { return CommitsPageModel(chrome: chrome, daemon: DaemonInfo(isRunning: false)) }
        let source = SourceInfo(
            url: status.source.url, ref: status.source.ref, path: status.source.path.isEmpty ? nil : status.source.path,
            lastFetchAt: status.source.lastFetchedAt, fetchError: status.source.lastError)
        var live = status.live.revision.map { commit($0.commit) } ?? status.live.commit.map { CommitInfo(id: $0) }
        live?.signer = status.live.revision?.signer?.description
        var attempt: AttemptedCommit?
        if let id = status.lastAttempt.commit {
            let outcome = status.lastAttempt.outcome
            attempt = AttemptedCommit(
                commit: status.lastAttempt.revision.map { commit($0.commit) } ?? CommitInfo(id: id, author: status.lastAttempt.author?.description),
                outcome: outcome?.rawValue ?? "unknown", isFailure: outcome == .rejected, at: status.lastAttempt.attemptedAt,
                diagnostics: status.lastAttempt.diagnostics.map {
                    Diagnostic(file: $0.file, line: $0.line, column: $0.column, pointer: $0.pointer,
                               severity: Diagnostic.Severity(rawValue: $0.severity) ?? .error, code: DiagnosticCode(rawValue: $0.code), message: $0.message)
                })
        }
        let daemon = status.daemon.map { d in
            DaemonInfo(isRunning: d.running, pid: d.pid, startedAt: d.startedAt, lastReconcileAt: d.lastReconcileAt, summary: d.lastReconcile.map(summary))
        } ?? DaemonInfo(isRunning: false)
        return CommitsPageModel(chrome: chrome, source: source, live: live, lastAttempt: attempt, daemon: daemon)
    }

    static func commit(_ stamp: CommitStamp) -> CommitInfo {
        CommitInfo(id: stamp.id, author: stamp.author.description, time: stamp.commitTime, subject: stamp.subject)
    }

    /// The last pass in a line: `applied 3f2a9c1e0b7d: 1 created, 2 unchanged`.
    static func summary(_ pass: ReconcilePass) -> String {
        var text = pass.outcome.rawValue
        if let commit = pass.commit { text += " \(commit.prefix(12))" }
        let c = pass.counts
        let parts = [(c.created, "created"), (c.updated, "updated"), (c.retired, "retired"), (c.revived, "revived"), (c.unchanged, "unchanged")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        if !parts.isEmpty { text += ": " + parts.joined(separator: ", ") }
        if pass.errors > 0 { text += " (\(pass.errors) error\(pass.errors == 1 ? "" : "s"))" }
        if let error = pass.error { text += ": \(error)" }
        return text
    }

    /// `TimeZone(identifier:)` once per zone per page: a thousand pipelines mostly share a few.
    struct ZoneCache {
        private var zones: [String: TimeZone?] = [:]
        mutating func zone(_ identifier: String) -> TimeZone? {
            if let known = zones[identifier] { return known }
            let zone = TimeZone(identifier: identifier)
            zones[identifier] = zone
            return zone
        }
    }
}
