import ArgumentParser
import BatonOperations

/// `baton cancel RUN`: stops a run.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a queued or running run.",
        discussion: """
            A queued run is marked cancelled at once. For a running one, the request is \
            recorded on the run (so its executor starts nothing more) and each running \
            task's process group gets SIGTERM; the executor then records every state and \
            ends the run as cancelled.

            Exit status: 0 when cancelled (or already finished), 1 when the run is unknown.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The run's id (see `baton runs`).")
    var runID: Int64

    func run() async throws {
        try await reportingFailures(json: false) {
            let operations = try options.operations()
            let result = try await operation { () async throws(OperationError) in try await operations.cancel(runID, by: .operatingSystemUser) }
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
