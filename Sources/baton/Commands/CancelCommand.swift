import ArgumentParser
import BatonOperations

/// `baton cancel RUN` or `baton cancel --backfill ID`: stops a run, or a backfill as a whole.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a queued or running run, or a whole backfill.",
        discussion: """
            A queued run is marked cancelled at once. For a running one, the request is \
            recorded on the run (so its executor starts nothing more) and each running \
            task's process group gets SIGTERM; the executor then records every state and \
            ends the run as cancelled.

            With --backfill ID, the backfill stops as one unit: it starts no more runs, its \
            queued runs are cancelled at once and its running runs are cancelled as above.

              $ baton cancel 42
              $ baton cancel --backfill 3

            Exit status: 0 when cancelled (or already finished), 1 when the run or backfill \
            is unknown, 2 for a usage error.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The run's id (see `baton runs`).")
    var runID: Int64?

    @Option(name: .long, help: ArgumentHelp("Cancel this backfill (see `baton backfills`) instead of one run.", valueName: "id"))
    var backfill: Int64?

    @Flag(name: .long, help: "Print only JSON: what was cancelled.")
    var json = false

    func validate() throws {
        switch (runID, backfill) {
        case (nil, nil): throw ValidationError("give a run's id, or --backfill ID")
        case (.some, .some): throw ValidationError("give a run's id or --backfill ID, not both")
        default: break
        }
    }

    func run() async throws {
        try await reportingFailures(json: json) {
            let operations = try options.operations()
            if let backfill {
                let result = try await operation { () async throws(OperationError) in try await operations.cancelBackfill(backfill, by: .operatingSystemUser) }
                if json {
                    Output.json(JSONOut.object([
                        ("backfill", BackfillsCommand.json(result.backfill)), ("changed", JSONOut.bool(result.changed)),
                        ("cancelledRuns", JSONOut.int(result.cancelledRuns)), ("requestedRuns", JSONOut.int(result.requestedRuns)),
                    ]))
                } else if !result.changed {
                    Output.text("backfill \(backfill) already ended: \(result.backfill.state.rawValue)")
                } else {
                    Output.text("backfill \(backfill) cancelled: \(result.cancelledRuns) queued run\(result.cancelledRuns == 1 ? "" : "s") cancelled, \(result.requestedRuns) running asked to stop")
                }
                return
            }
            guard let runID else { return }
            let result = try await operation { () async throws(OperationError) in try await operations.cancel(runID, by: .operatingSystemUser) }
            if json {
                Output.json(JSONOut.object([
                    ("run", JSONOut.int(Int(runID))), ("outcome", JSONOut.string(result.outcome.rawValue)),
                    ("state", JSONOut.string(result.run.state.rawValue)), ("stoppedTasks", JSONOut.int(result.stoppedTasks)),
                ]))
                return
            }
            switch result.outcome {
            case .alreadyEnded:
                Output.text("run \(runID) already ended: \(result.run.state.rawValue)")
            case .cancelled, .requested:
                let signalled = result.stoppedTasks
                Output.text("run \(runID): cancel requested\(signalled > 0 ? "; stopped \(signalled) running task\(signalled == 1 ? "" : "s")" : "")")
            }
        }
    }
}
