import ArgumentParser
import BatonEngine
import BatonManifest
import BatonStore
import Foundation

/// `baton runs [PIPELINE]`: the newest runs and how they ended.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs, newest first, with their state and timing.",
        discussion: """
              $ baton runs sales-etl --limit 3
              ID  PIPELINE   TRIGGER   STATE      SCHEDULED             STARTED               DURATION
              12  sales-etl  schedule  succeeded  2026-11-24T05:00:00Z  2026-11-24T05:00:00Z  41.2 s

            Exit status: 0 success, 1 when nothing has been run or reconciled yet, 2 for a usage error.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "Only this pipeline's runs.")
    var pipeline: String?

    @Option(name: .long, help: "How many runs to list.")
    var limit = 20

    @Flag(name: .long, help: "Print one JSON object with the runs, and nothing else.")
    var json = false

    func run() async throws {
        try await reportingFailures(json: json) {
            let store = try options.existingStore()
            let runs: [RunRecord]
            do {
                if let pipeline {
                    runs = try await store.runs(of: pipeline, limit: limit)
                } else {
                    runs = try await store.recentRuns(limit: limit)
                }
            } catch let error as StoreError {
                throw CommandFailure(error)
            }
            if json {
                var entries: [JSONValue] = []
                for run in runs {
                    let attempts: [TaskAttemptRecord]
                    do { attempts = try await store.attempts(ofRun: run.id ?? 0) } catch let error as StoreError { throw CommandFailure(error) }
                    entries.append(Self.json(run, attempts: attempts))
                }
                Output.json(JSONOut.object([("runs", JSONOut.array(entries))]))
                return
            }
            var rows = [["ID", "PIPELINE", "TRIGGER", "STATE", "SCHEDULED", "STARTED", "DURATION"]]
            for run in runs {
                let duration = run.startedAt.flatMap { start in run.finishedAt.map { RunReport.duration($0.timeIntervalSince(start)) } } ?? "-"
                rows.append([String(run.id ?? 0), run.pipeline, run.trigger, run.state.rawValue,
                             run.scheduledAt.map(RFC3339.utcString) ?? "-", run.startedAt.map(RFC3339.utcString) ?? "-", duration])
            }
            Output.text(runs.isEmpty ? "no runs yet" : Table.render(rows).joined(separator: "\n"))
        }
    }

    /// A run for `--json`, with its attempts when given: the reason of each (a missing
    /// secret, a timeout) is stored only there, so a script must see it without SQLite.
    static func json(_ run: RunRecord, attempts: [TaskAttemptRecord]?) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", JSONOut.int(run.id.map(Int.init))), ("pipeline", JSONOut.string(run.pipeline)),
            ("trigger", JSONOut.string(run.trigger)), ("state", JSONOut.string(run.state.rawValue)),
            ("scheduledAt", JSONOut.date(run.scheduledAt)), ("startedAt", JSONOut.date(run.startedAt)),
            ("finishedAt", JSONOut.date(run.finishedAt)), ("reason", JSONOut.string(run.reason)),
            ("retryOf", JSONOut.int(run.retryOf.map(Int.init))),
        ]
        if let attempts { fields.append(("attempts", JSONOut.array(attempts.map { JSONOut.object(attemptFields($0)) }))) }
        return JSONOut.object(fields)
    }

    /// What a script needs of one attempt: which, how it ended and why.
    static func attemptFields(_ record: TaskAttemptRecord) -> [(String, JSONValue)] {
        [
            ("task", JSONOut.string(record.taskID)), ("attempt", JSONOut.int(record.attempt)),
            ("state", JSONOut.string(record.state)), ("reason", JSONOut.string(record.reason)),
            ("exitCode", JSONOut.int(record.exitCode)), ("signal", JSONOut.int(record.signal)),
            ("startedAt", JSONOut.date(record.startedAt)), ("finishedAt", JSONOut.date(record.finishedAt)),
        ]
    }
}
