import ArgumentParser
import BatonEngine
import BatonOperations
import Foundation

/// `baton retry RUN`: resumes a failed run from its point of failure.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Resume a failed run as a new run, keeping what succeeded.",
        discussion: """
            The new run uses the failed run's version, tree and parameters. Tasks that \
            succeeded keep their results and outputs; failed, timed-out, cancelled tasks and \
            those skipped because of them run again.

            A run of a manifest file (`baton run FILE`) is retried from the file as it is \
            now, so a fix to the failed task is picked up; the tasks that succeeded keep their \
            results only if the file left them unchanged, otherwise the retry is refused, \
            naming them.

              $ baton retry 12

            Exit status: 0 when the new run succeeded, 1 when it did not or the run cannot \
            be retried (unknown, still running, already succeeded, a file run whose \
            succeeded tasks changed), 2 when its parameters no longer fit the file.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The failed run's id (see `baton runs`).")
    var runID: Int64

    @Flag(name: .long, help: "Print only one JSON object with the new run and its tasks.")
    var json = false

    @OptionGroup var taskUser: TaskUserOption

    func run() async throws {
        try await reportingFailures(json: json) {
            let operations = try options.operations()
            let user = try taskUser.prepare(options.stateDirectory)
            let request: RunRequest
            switch try await operation({ () async throws(OperationError) in try await operations.foregroundRetry(runID) }) {
            case .version(let prepared): request = prepared
            case .file(let run, let attempts): request = try FileRunRequest.retry(run, attempts: attempts)
            }
            let showProgress = !json && isatty(STDERR_FILENO) == 1
            let executor = RunExecutor(store: operations.store, stateDirectory: options.stateDirectory, taskUser: user, progress: { if showProgress { RunProgress.print($0) } })
            let result: RunResult
            do { result = try await executor.execute(request) } catch { throw CommandFailure("\(error)") }
            if json { Output.json(RunReport.json(result)) } else { Output.text(RunReport.text(result), terminator: "") }
            if result.run.state != .succeeded { throw ExitCode(1) }
        }
    }
}
