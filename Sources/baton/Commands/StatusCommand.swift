import ArgumentParser
import BatonManifest
import BatonOperations
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
            let operations = try options.operations()
            let status = try await operation { () async throws(OperationError) in try await operations.status() }
            if json { Output.json(StatusText.json(status)) } else { Output.text(StatusText.text(status), terminator: "") }
        }
    }
}

/// How `status` prints an `Operations.status()` report.
enum StatusText {
    /// `no`, `yes (manifest)`, or `by USER since TIME: REASON` for an operator's.
    static func suspended(_ pipeline: PipelineOverview) -> String {
        if let override = pipeline.suspendedByOperator {
            return "by \(override.actor) since \(Times.utc(override.since))\(override.reason.map { ": \($0)" } ?? "")"
        }
        return pipeline.suspendedByManifest ? "yes (manifest)" : "no"
    }

    /// The schedule in words; nil when the stored spec does not read.
    static func schedule(_ pipeline: PipelineOverview) -> String? {
        guard pipeline.specReadable else { return nil }
        let words = [pipeline.schedule?.description].compactMap { $0 } + pipeline.triggers
        return words.isEmpty ? "no schedule: runs only when triggered" : words.joined(separator: "; ")
    }

    // MARK: Text

    static func text(_ status: StatusReport) -> String {
        var lines: [String] = []
        let source = status.source
        let path = source.path.isEmpty ? "/" : source.path
        lines.append("source:    \(source.url)#\(source.ref) (\(path))")
        if let fetched = source.lastFetchedCommit {
            lines.append("fetched:   \(fetched.prefix(12)) at \(Times.utc(source.lastFetchedAt))")
        }
        if let error = source.lastError {
            let kind = source.lastErrorTransient == true ? "transient" : "permanent"
            let failures = source.consecutiveFailures
            lines.append("error:     \(failures) failed fetch\(failures == 1 ? "" : "es") in a row, the last at \(Times.utc(source.lastErrorAt)) (\(kind)): \(error)")
        }
        if let applied = status.live.commit {
            var line = "live:      \(applied.prefix(12))"
            if let live = status.live.revision {
                line += " by \(live.commit.author) at \(Times.utc(live.commit.authorTime)): \(live.commit.subject)"
            }
            if let at = status.live.appliedAt { line += " (applied \(Times.utc(at)))" }
            lines.append(line)
            if let signer = status.live.revision?.signer {
                lines.append("signed:    by \(signer.description)")
            }
        } else {
            lines.append("live:      nothing applied yet")
        }
        let attempt = status.lastAttempt
        if let attempted = attempt.commit, attempted != status.live.commit {
            let outcome = attempt.outcome?.rawValue ?? "unknown"
            let author = attempt.author.map { " by \($0)" } ?? ""
            let errors = attempt.diagnostics.filter { $0.severity == "error" }.count
            var line = "attempted: \(attempted.prefix(12))\(author): \(outcome)"
            if attempt.outcome == .rejected { line += ", \(errors) error\(errors == 1 ? "" : "s")" }
            if let subject = attempt.revision?.commit.subject { line += " (\(subject))" }
            lines.append(line)
            if attempt.outcome == .rejected {
                lines.append(contentsOf: attempt.diagnostics.map { "  " + $0.formatted })
                lines.append("  nothing of \(attempted.prefix(12)) was applied; \(status.live.commit.map { "\($0.prefix(12)) stays live" } ?? "nothing is live"). Push a commit that fixes it.")
            }
        }
        if let daemon = status.daemon {
            if daemon.running {
                var line = "daemon:    running, pid \(daemon.pid), since \(Times.utc(daemon.startedAt)); every \(Int(daemon.intervalSeconds))s"
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
        let active = status.pipelines.filter { $0.state == .active }
        let retired = status.pipelines.filter { $0.state == .retired }
        lines.append("pipelines: \(active.count) active, \(retired.count) retired")
        if !active.isEmpty {
            var rows = [["NAME", "VERSION", "SCHEDULE", "NEXT", "SUSPENDED"]]
            for pipeline in active {
                let next = pipeline.schedule?.nextFireTimesLocal.first ?? "-"
                rows.append([pipeline.name, "v\(pipeline.version)", schedule(pipeline) ?? "(spec unreadable)", next, suspended(pipeline)])
            }
            lines.append(contentsOf: Table.render(rows).map { "  " + $0 })
        }
        if !retired.isEmpty {
            lines.append("retired:")
            var rows = [["NAME", "VERSION", "RETIRED", "FILE"]]
            for pipeline in retired {
                rows.append([pipeline.name, "v\(pipeline.version)", Times.utc(pipeline.updatedAt), pipeline.file ?? ""])
            }
            lines.append(contentsOf: Table.render(rows).map { "  " + $0 })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    static func json(_ status: StatusReport) -> JSONValue {
        func revision(_ record: RevisionInfo?) -> JSONValue {
            guard let record else { return JSONOut.null }
            return JSONOut.object([
                ("commit", JSONOut.commit(record.commit)), ("outcome", JSONOut.string(record.outcome.rawValue)),
                ("movement", JSONOut.string(record.movement.rawValue)), ("summary", JSONOut.summary(record.summary)),
                ("recordedAt", JSONOut.date(record.recordedAt)), ("signer", JSONOut.signer(record.signer)),
            ])
        }
        let pipelineValues = status.pipelines.map { pipeline in
            let active = pipeline.state == .active
            return JSONOut.object([
                ("name", JSONOut.string(pipeline.name)), ("state", JSONOut.string(pipeline.state.rawValue)),
                ("version", JSONOut.int(pipeline.version)), ("file", JSONOut.string(pipeline.file)),
                ("commit", JSONOut.string(pipeline.commit?.id)), ("author", JSONOut.person(pipeline.commit?.author)),
                ("suspended", JSONOut.bool(pipeline.suspended)),
                ("suspendedBy", pipeline.suspendedByOperator.map { override in JSONOut.object([
                    ("actor", JSONOut.string(override.actor)), ("since", JSONOut.date(override.since)), ("reason", JSONOut.string(override.reason)),
                ]) } ?? JSONOut.null),
                ("schedule", JSONOut.string(schedule(pipeline))),
                ("timeZone", JSONOut.string(pipeline.schedule?.timeZone)),
                ("nextFireTime", active ? JSONOut.date(pipeline.schedule?.nextFireTimes.first) : JSONOut.null),
                ("nextFireTimeLocal", active ? JSONOut.string(pipeline.schedule?.nextFireTimesLocal.first) : JSONOut.null),
                ("updatedAt", JSONOut.date(pipeline.updatedAt)),
            ])
        }
        let source = status.source
        let attempt = status.lastAttempt
        return JSONOut.object([
            ("healthy", JSONOut.bool(status.healthy)),
            ("now", JSONOut.date(status.now)),
            ("daemon", status.daemon.map { daemon in JSONOut.object([
                ("running", JSONOut.bool(daemon.running)), ("pid", JSONOut.int(daemon.pid)), ("startedAt", JSONOut.date(daemon.startedAt)),
                ("stoppedAt", JSONOut.date(daemon.stoppedAt)), ("intervalSeconds", JSONOut.int(Int(daemon.intervalSeconds))),
                ("lastReconcileAt", JSONOut.date(daemon.lastReconcileAt)), ("nextReconcileAt", JSONOut.date(daemon.nextReconcileAt)),
                ("sourceFailures", JSONOut.int(daemon.sourceFailures)), ("sourceError", JSONOut.string(daemon.sourceError)),
            ]) } ?? JSONOut.null),
            ("source", JSONOut.object([
                ("url", JSONOut.string(source.url)), ("ref", JSONOut.string(source.ref)), ("path", JSONOut.string(source.path)),
                ("lastFetchedCommit", JSONOut.string(source.lastFetchedCommit)), ("lastFetchedAt", JSONOut.date(source.lastFetchedAt)),
                ("lastError", JSONOut.string(source.lastError)), ("lastErrorAt", JSONOut.date(source.lastErrorAt)),
                ("lastErrorTransient", source.lastErrorTransient.map(JSONOut.bool) ?? JSONOut.null),
                ("consecutiveFailures", JSONOut.int(source.consecutiveFailures)),
            ])),
            ("live", JSONOut.object([
                ("commit", JSONOut.string(status.live.commit)), ("appliedAt", JSONOut.date(status.live.appliedAt)),
                ("revision", revision(status.live.revision)),
            ])),
            ("lastAttempt", JSONOut.object([
                ("commit", JSONOut.string(attempt.commit)), ("attemptedAt", JSONOut.date(attempt.attemptedAt)),
                ("outcome", JSONOut.string(attempt.outcome?.rawValue)), ("author", JSONOut.person(attempt.author)),
                ("diagnostics", JSONOut.array(attempt.diagnostics.map(JSONOut.diagnostic))),
                ("revision", revision(attempt.revision)),
            ])),
            ("pipelines", JSONOut.array(pipelineValues)),
            ("counts", JSONOut.object([("active", JSONOut.int(status.counts.active)), ("retired", JSONOut.int(status.counts.retired))])),
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
