import ArgumentParser
import BatonManifest
import BatonOperations
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
            let operations = try options.operations()
            let request = RunsRequest(pipeline: pipeline, limit: limit, withAttempts: json)
            let runs = try await operation { () async throws(OperationError) in try await operations.runs(request) }.runs
            if json {
                Output.json(JSONOut.object([("runs", JSONOut.array(runs.map { Self.json($0, attempts: $0.attempts) }))]))
                return
            }
            var rows = [["ID", "PIPELINE", "TRIGGER", "STATE", "SCHEDULED", "STARTED", "DURATION"]]
            for run in runs {
                let duration = run.durationMilliseconds.map { RunReport.duration(Double($0) / 1000) } ?? "-"
                rows.append([String(run.id), run.pipeline, run.cause, run.state.rawValue,
                             run.scheduledAt.map(RFC3339.utcString) ?? "-", run.startedAt.map(RFC3339.utcString) ?? "-", duration])
            }
            Output.text(runs.isEmpty ? "no runs yet" : Table.render(rows).joined(separator: "\n"))
        }
    }

    func validate() throws {
        guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000, not \(limit)") }
    }

    /// A run for `--json`, with its attempts when given: the reason of each (a missing
    /// secret, a timeout) is stored only there, so a script must see it without SQLite.
    static func json(_ run: RunSummary, attempts: [AttemptInfo]?) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", JSONOut.int(Int(run.id))), ("pipeline", JSONOut.string(run.pipeline)),
            ("trigger", JSONOut.string(run.trigger.rawValue)), ("state", JSONOut.string(run.state.rawValue)),
            ("scheduledAt", JSONOut.date(run.scheduledAt)), ("startedAt", JSONOut.date(run.startedAt)),
            ("finishedAt", JSONOut.date(run.finishedAt)), ("reason", JSONOut.string(run.reason)),
            ("retryOf", JSONOut.int(run.retryOf.map(Int.init))), ("backfill", JSONOut.int(run.backfillID.map(Int.init))),
            ("upstreamRun", JSONOut.int(run.upstreamRunID.map(Int.init))), ("upstreamPipeline", JSONOut.string(run.upstreamPipeline)),
            ("triggerFile", JSONOut.string(run.triggerFile)),
        ]
        if let attempts { fields.append(("attempts", JSONOut.array(attempts.map { JSONOut.object(attemptFields($0)) }))) }
        return JSONOut.object(fields)
    }

    /// What a script needs of one attempt: which, how it ended and why.
    static func attemptFields(_ record: AttemptInfo) -> [(String, JSONValue)] {
        [
            ("task", JSONOut.string(record.task)), ("attempt", JSONOut.int(record.attempt)),
            ("state", JSONOut.string(record.state.rawValue)), ("reason", JSONOut.string(record.reason)),
            ("exitCode", JSONOut.int(record.exitCode)), ("signal", JSONOut.int(record.signal)),
            ("startedAt", JSONOut.date(record.startedAt)), ("finishedAt", JSONOut.date(record.finishedAt)),
        ]
    }
}
