import ArgumentParser
import BatonDaemon
import BatonGit
import BatonManifest
import BatonStore
import Foundation

/// `baton status`: what is live, what was last tried, and when each pipeline fires next.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the source, the live and last attempted commits, and every pipeline.",
        discussion: """
            Reads the state store only (no fetch): the source and its last fetch or error, \
            the live commit and who wrote it, the last attempted commit when it differs (a \
            rejected commit, with every diagnostic), then each active pipeline with its \
            version, its schedule in words and its next fire time on its own wall clock, and \
            the retired pipelines.

              $ baton status
              source:    /srv/pipelines#main (manifests)
              live:      3f2a9c1d0e4b by Ana Lima <ana@example.com> at 2026-03-01T10:00:00Z: Add sales-etl
              attempted: 9b8c7d6e5f4a by Bo Chen <bo@example.com>: rejected, 1 error
                manifests/sales.json:5:28: error: invalid cron expression … [invalid-cron] (at /schedule/cron)
              pipelines: 1 active, 0 retired
                NAME       VERSION  SCHEDULE                                   NEXT                       SUSPENDED
                sales-etl  v1       at 02:00 every day in America/Sao_Paulo    2026-03-02T02:00:00-03:00  no

            Exit status: 0 when the status was shown (a rejected commit or a failed fetch \
            included: check "healthy" in --json), 1 when nothing has been reconciled yet (no \
            files are created) or the store cannot be read, 2 for a usage error.
            """)

    @OptionGroup var options: StateOptions

    @Flag(name: .long, help: "Print one JSON object with the source, the revisions and every pipeline, and nothing else.")
    var json = false

    func run() async throws {
        try await reportingFailures(json: json) {
            let status = try await StatusReport.load(from: options.existingStore(), now: Date(), stateDirectory: options.stateDirectory)
            if json { Output.json(status.json()) } else { Output.text(status.text(), terminator: "") }
        }
    }
}

/// Everything `status` shows, read from the store in one go.
struct StatusReport {
    struct PipelineLine {
        var record: PipelineRecord
        var version: PipelineVersion?
        var pipeline: Pipeline?
        var nextFire: Date?
        var override: PipelineOverride?

        /// `no`, `yes (manifest)`, or `by USER since TIME: REASON` for an operator's.
        var suspendedText: String {
            if let override {
                return "by \(override.actor) since \(Times.utc(override.since))\(override.reason.map { ": \($0)" } ?? "")"
            }
            return pipeline?.suspend == true ? "yes (manifest)" : "no"
        }
    }

    var source: SourceRecord
    var live: RevisionRecord?
    var attempted: RevisionRecord?
    var pipelines: [PipelineLine]
    var now: Date
    /// The daemon's status row and whether that daemon is running now.
    var daemon: DaemonRecord?
    var daemonRunning = false

    /// The live commit is the last one tried and the source answered.
    var healthy: Bool {
        source.lastError == nil && source.lastAttemptOutcome != .rejected
    }

    var active: [PipelineLine] { pipelines.filter { $0.record.state == .active } }
    var retired: [PipelineLine] { pipelines.filter { $0.record.state == .retired } }

    static func load(from store: SQLiteStore, now: Date, stateDirectory: String) async throws(CommandFailure) -> StatusReport {
        do {
            guard let source = try await store.source() else {
                throw CommandFailure("nothing reconciled yet: the state store in \(stateDirectory) has no source; run `baton reconcile --once` first", code: "not-reconciled")
            }
            // The live and attempted revisions are among the newest judged ones: a revision
            // is only added when a pass sees a commit it has not judged before.
            let revisions = try await store.revisions(limit: 500)
            let live = source.lastAppliedCommit.flatMap { id in revisions.first { $0.commit.id == id && $0.outcome != .rejected } }
            let attempted = source.lastAttemptedCommit.flatMap { id in revisions.first { $0.commit.id == id } }
            let records = try await store.pipelines()
            var versions: [String: PipelineVersion] = [:]
            for version in try await store.currentVersions(of: records.map(\.name)) { versions[version.pipeline] = version }
            var overrides: [String: PipelineOverride] = [:]
            for override in try await store.overrides() { overrides[override.pipeline] = override }
            let lines = records.map { record in
                let version = versions[record.name]
                let pipeline = version.flatMap { ManifestFile(path: $0.filePath, bytes: Array($0.spec.utf8)).pipeline }
                return PipelineLine(record: record, version: version, pipeline: pipeline, nextFire: pipeline?.schedule?.schedule.nextFireTime(after: now), override: overrides[record.name])
            }
            let daemon = try await store.daemon()
            let running = daemon.map { DaemonControl.pid(stateDirectory: stateDirectory) == pid_t($0.pid) } ?? false
            return StatusReport(source: source, live: live, attempted: attempted, pipelines: lines, now: now, daemon: daemon, daemonRunning: running)
        } catch let error as StoreError {
            throw CommandFailure(error)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    // MARK: Text

    func text() -> String {
        var lines: [String] = []
        let path = source.path.isEmpty ? "/" : source.path
        lines.append("source:    \(URLRedaction.redact(source.url))#\(source.ref) (\(path))")
        if let fetched = source.lastFetchedCommit {
            lines.append("fetched:   \(fetched.prefix(12)) at \(Times.utc(source.lastFetchedAt))")
        }
        if let error = source.lastError {
            let kind = source.lastErrorTransient == true ? "transient" : "permanent"
            let failures = source.consecutiveFailures
            lines.append("error:     \(failures) failed fetch\(failures == 1 ? "" : "es") in a row, the last at \(Times.utc(source.lastErrorAt)) (\(kind)): \(error)")
        }
        if let applied = source.lastAppliedCommit {
            var line = "live:      \(applied.prefix(12))"
            if let live {
                line += " by \(live.commit.author) at \(Times.utc(live.commit.authorTime)): \(live.commit.subject)"
            }
            if let at = source.lastAppliedAt { line += " (applied \(Times.utc(at)))" }
            lines.append(line)
        } else {
            lines.append("live:      nothing applied yet")
        }
        if let attempted = source.lastAttemptedCommit, attempted != source.lastAppliedCommit {
            let outcome = source.lastAttemptOutcome?.rawValue ?? "unknown"
            let author = source.lastAttemptAuthor.map { " by \($0)" } ?? ""
            let errors = source.lastAttemptDiagnostics.filter { $0.severity == .error }.count
            var line = "attempted: \(attempted.prefix(12))\(author): \(outcome)"
            if source.lastAttemptOutcome == .rejected { line += ", \(errors) error\(errors == 1 ? "" : "s")" }
            if let subject = self.attempted?.commit.subject { line += " (\(subject))" }
            lines.append(line)
            if source.lastAttemptOutcome == .rejected {
                lines.append(contentsOf: source.lastAttemptDiagnostics.map { "  " + $0.formatted })
                lines.append("  nothing of \(attempted.prefix(12)) was applied; \(source.lastAppliedCommit.map { "\($0.prefix(12)) stays live" } ?? "nothing is live"). Push a commit that fixes it.")
            }
        }
        if let daemon {
            if daemonRunning {
                var line = "daemon:    running, pid \(daemon.pid), since \(Times.utc(daemon.startedAt)); every \(Int(daemon.interval))s"
                if let at = daemon.lastReconcileAt { line += ", last pass \(Times.utc(at))" }
                if let next = daemon.nextReconcileAt { line += ", next \(Times.utc(next))" }
                lines.append(line)
                if daemon.sourceFailures > 0 {
                    lines.append("           the source failed \(daemon.sourceFailures) pass\(daemon.sourceFailures == 1 ? "" : "es") in a row; backing off (\(daemon.sourceError ?? "")); what is live keeps running")
                }
            } else {
                lines.append("daemon:    not running (last: pid \(daemon.pid), \(daemon.stoppedAt.map { "stopped \(Times.utc($0))" } ?? "did not stop cleanly"))")
            }
        }
        lines.append("pipelines: \(active.count) active, \(retired.count) retired")
        if !active.isEmpty {
            var rows = [["NAME", "VERSION", "SCHEDULE", "NEXT", "SUSPENDED"]]
            for line in active {
                let schedule = line.pipeline.map(Self.scheduleText) ?? "(spec unreadable)"
                let next = line.nextFire.map { Times.local($0, zone: line.pipeline!.schedule!.timeZone) } ?? "-"
                rows.append([line.record.name, "v\(line.record.version)", schedule, next, line.suspendedText])
            }
            lines.append(contentsOf: Table.render(rows).map { "  " + $0 })
        }
        if !retired.isEmpty {
            lines.append("retired:")
            var rows = [["NAME", "VERSION", "RETIRED", "FILE"]]
            for line in retired {
                rows.append([line.record.name, "v\(line.record.version)", Times.utc(line.record.updatedAt), line.version?.filePath ?? ""])
            }
            lines.append(contentsOf: Table.render(rows).map { "  " + $0 })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func scheduleText(_ pipeline: Pipeline) -> String {
        guard let schedule = pipeline.schedule else { return "no schedule: runs only when triggered" }
        return schedule.schedule.description(in: nil)
    }

    // MARK: JSON

    func json() -> JSONValue {
        func revision(_ record: RevisionRecord?) -> JSONValue {
            guard let record else { return JSONOut.null }
            return JSONOut.object([
                ("commit", JSONOut.commit(record.commit)), ("outcome", JSONOut.string(record.outcome.rawValue)),
                ("movement", JSONOut.string(record.movement.rawValue)), ("summary", JSONOut.summary(record.summary)),
                ("recordedAt", JSONOut.date(record.recordedAt)),
            ])
        }
        let pipelineValues = pipelines.map { line in
            JSONOut.object([
                ("name", JSONOut.string(line.record.name)), ("state", JSONOut.string(line.record.state.rawValue)),
                ("version", JSONOut.int(line.record.version)), ("file", JSONOut.string(line.version?.filePath)),
                ("commit", JSONOut.string(line.version?.commit.id)), ("author", JSONOut.person(line.version?.commit.author)),
                ("suspended", JSONOut.bool(line.pipeline?.suspend == true || line.override != nil)),
                ("suspendedBy", line.override.map { override in JSONOut.object([
                    ("actor", JSONOut.string(override.actor)), ("since", JSONOut.date(override.since)), ("reason", JSONOut.string(override.reason)),
                ]) } ?? JSONOut.null),
                ("schedule", JSONOut.string(line.pipeline.map(Self.scheduleText))),
                ("timeZone", JSONOut.string(line.pipeline?.schedule?.timeZone.identifier)),
                ("nextFireTime", line.record.state == .active ? JSONOut.date(line.nextFire) : JSONOut.null),
                ("nextFireTimeLocal", line.record.state == .active ? JSONOut.string(line.nextFire.map { Times.local($0, zone: line.pipeline!.schedule!.timeZone) }) : JSONOut.null),
                ("updatedAt", JSONOut.date(line.record.updatedAt)),
            ])
        }
        return JSONOut.object([
            ("healthy", JSONOut.bool(healthy)),
            ("now", JSONOut.date(now)),
            ("daemon", daemon.map { daemon in JSONOut.object([
                ("running", JSONOut.bool(daemonRunning)), ("pid", JSONOut.int(daemon.pid)), ("startedAt", JSONOut.date(daemon.startedAt)),
                ("stoppedAt", JSONOut.date(daemon.stoppedAt)), ("intervalSeconds", JSONOut.int(Int(daemon.interval))),
                ("lastReconcileAt", JSONOut.date(daemon.lastReconcileAt)), ("nextReconcileAt", JSONOut.date(daemon.nextReconcileAt)),
                ("sourceFailures", JSONOut.int(daemon.sourceFailures)), ("sourceError", JSONOut.string(daemon.sourceError)),
            ]) } ?? JSONOut.null),
            ("source", JSONOut.object([
                ("url", JSONOut.string(URLRedaction.redact(source.url))), ("ref", JSONOut.string(source.ref)), ("path", JSONOut.string(source.path)),
                ("lastFetchedCommit", JSONOut.string(source.lastFetchedCommit)), ("lastFetchedAt", JSONOut.date(source.lastFetchedAt)),
                ("lastError", JSONOut.string(source.lastError)), ("lastErrorAt", JSONOut.date(source.lastErrorAt)),
                ("lastErrorTransient", source.lastErrorTransient.map(JSONOut.bool) ?? JSONOut.null),
                ("consecutiveFailures", JSONOut.int(source.consecutiveFailures)),
            ])),
            ("live", JSONOut.object([
                ("commit", JSONOut.string(source.lastAppliedCommit)), ("appliedAt", JSONOut.date(source.lastAppliedAt)),
                ("revision", revision(live)),
            ])),
            ("lastAttempt", JSONOut.object([
                ("commit", JSONOut.string(source.lastAttemptedCommit)), ("attemptedAt", JSONOut.date(source.lastAttemptedAt)),
                ("outcome", JSONOut.string(source.lastAttemptOutcome?.rawValue)), ("author", JSONOut.person(source.lastAttemptAuthor)),
                ("diagnostics", JSONOut.array(source.lastAttemptDiagnostics.map(JSONOut.diagnostic))),
                ("revision", revision(attempted)),
            ])),
            ("pipelines", JSONOut.array(pipelineValues)),
            ("counts", JSONOut.object([("active", JSONOut.int(active.count)), ("retired", JSONOut.int(retired.count))])),
        ])
    }
}

/// Columns padded to their widest cell, for terminal tables.
enum Table {
    static func render(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
