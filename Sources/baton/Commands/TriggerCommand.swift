import ArgumentParser
import BatonEngine
import BatonOperations
import BatonStore
import Foundation

/// `baton trigger NAME`: a manual run, by the daemon.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Ask the running daemon for a manual run of a live pipeline.",
        discussion: """
            Records a queued manual run of the pipeline's live version (parameters checked \
            first) and tells the daemon, which starts it at once, whatever the schedule's \
            concurrency policy. Prints the run's id; with --wait, follows the run to its \
            end and exits like `baton run`.

              $ baton trigger sales-etl --param region=eu
              run 42 of sales-etl queued
              $ baton trigger sales-etl --wait --json

            Exit status: 0 queued (or, with --wait, succeeded), 1 the run did not succeed or \
            no daemon runs, 2 for a usage error or bad parameters.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The name of a live pipeline.")
    var pipeline: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A parameter value; repeat for several.", valueName: "key=value"))
    var parameters: [String] = []

    @Flag(name: .long, help: "Follow the run to its end and exit like `baton run`.")
    var wait = false

    @Flag(name: .long, help: "Print only JSON: the run's id, or with --wait the run as `baton run --json` prints it.")
    var json = false

    func run() async throws {
        try await reportingFailures(json: json) {
            let operations = try options.operations()
            let given: [String: String]
            do { given = try RunParameters.parse(parameters) } catch let error as EngineError {
                throw CommandFailure(error.message, exitCode: 2, code: OperationError.Code.invalidParameters.rawValue)
            }
            let queued = try await operation(usage: [.unknownPipeline]) { () async throws(OperationError) in
                try await operations.trigger(TriggerRequest(pipeline: pipeline, parameters: given), by: .operatingSystemUser)
            }
            let id = queued.run.id
            if !wait {
                if json { Output.json(JSONOut.object([("run", JSONOut.int(Int(id)))])) } else { Output.text("run \(id) of \(pipeline) queued") }
                return
            }
            if !json { Output.error("run \(id) of \(pipeline) queued; waiting for it to end") }
            let result = try await RunFollower.waitForEnd(id, store: operations.store)
            if json { Output.json(RunReport.json(result)) } else { Output.text(RunReport.text(result), terminator: "") }
            if result.run.state != .succeeded { throw ExitCode(1) }
        }
    }
}

/// Follows a run someone else executes until it ends.
enum RunFollower {
    static func waitForEnd(_ id: Int64, store: any StateStore) async throws(CommandFailure) -> RunResult {
        while true {
            let run: RunRecord?
            do { run = try await store.run(id: id) } catch { throw CommandFailure(error) }
            guard let run else { throw CommandFailure("run \(id) disappeared from the store") }
            if run.isFinished {
                let attempts: [TaskAttemptRecord]
                do { attempts = try await store.attempts(ofRun: id) } catch { throw CommandFailure(error) }
                return RunResult(run: run, tasks: results(attempts))
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Each task's last attempt, in the order the tasks first appear.
    static func results(_ attempts: [TaskAttemptRecord]) -> [TaskResult] {
        var order: [String] = []
        var last: [String: TaskAttemptRecord] = [:]
        for attempt in attempts {
            if last[attempt.taskID] == nil { order.append(attempt.taskID) }
            if attempt.attempt >= (last[attempt.taskID]?.attempt ?? -1) { last[attempt.taskID] = attempt }
        }
        return order.compactMap { id in
            guard let attempt = last[id] else { return nil }
            return TaskResult(
                id: id, state: attempt.state, attempts: attempt.attempt, exitCode: attempt.exitCode.map(Int32.init),
                outputs: attempt.outputs, reason: attempt.reason, startedAt: attempt.startedAt, finishedAt: attempt.finishedAt)
        }
    }
}
