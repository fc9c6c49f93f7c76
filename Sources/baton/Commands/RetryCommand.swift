import ArgumentParser
import BatonEngine
import BatonManifest
import BatonStore
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
            let store = try options.existingStore()
            let user = try taskUser.prepare(options.stateDirectory)
            let request = try await prepare(store)
            let showProgress = !json && isatty(STDERR_FILENO) == 1
            let executor = RunExecutor(store: store, stateDirectory: options.stateDirectory, taskUser: user, progress: { if showProgress { RunProgress.print($0) } })
            let result: RunResult
            do { result = try await executor.execute(request) } catch { throw CommandFailure("\(error)") }
            if json { Output.json(RunReport.json(result)) } else { Output.text(RunReport.text(result), terminator: "") }
            if result.run.state != .succeeded { throw ExitCode(1) }
        }
    }

    func prepare(_ store: SQLiteStore) async throws(CommandFailure) -> RunRequest {
        do {
            guard let run = try await store.run(id: runID) else { throw CommandFailure("no run \(runID); `baton runs` lists them", code: "unknown-run") }
            guard run.isFinished, run.state != .succeeded else {
                throw CommandFailure("run \(runID) is \(run.state.rawValue); only a run that failed, timed out or was cancelled can be retried", code: "not-retryable")
            }
            let attempts = try await store.attempts(ofRun: runID)
            guard let versionID = run.versionID else { return try FileRunRequest.retry(run, attempts: attempts) }
            guard let version = try await store.version(id: versionID) else {
                throw CommandFailure("run \(runID) ran version \(versionID), which the store no longer has", code: "not-retryable")
            }
            return try await VersionRunRequest.make(
                version, store: store, stateDirectory: options.stateDirectory, parameters: { _ in run.parameters },
                trigger: "retry", resume: (run, attempts))
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
