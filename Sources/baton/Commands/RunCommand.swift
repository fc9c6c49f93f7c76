import ArgumentParser
import BatonEngine
import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import Foundation

/// `baton run FILE|NAME`: runs a pipeline now, in the foreground.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline now, in the foreground, and wait for it to end.",
        discussion: """
            A FILE (a manifest path) runs from the Git work tree that holds it, or from its \
            folder outside Git: the way to try a pipeline before committing it. A NAME runs \
            the live version from the store, in the read-only tree of its commit, exactly as \
            the scheduler will.

              $ baton run manifests/sales-etl.json --param region=eu
              $ baton run sales-etl --json

            Parameters reach tasks only as BATON_PARAM_<NAME> environment variables, never \
            by substitution into a command. On a terminal, progress (task started, finished, \
            state, duration) goes to standard error. Runs and their logs are kept under \
            the state directory: see `baton runs` and `baton logs`.

            Exit status: 0 when the run succeeded, 1 when it did not, 2 for a usage error or \
            bad parameters (an unknown name, a value outside `allowed`, a missing required one).
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "A manifest file, or the name of a live pipeline.")
    var pipeline: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A parameter value; repeat for several.", valueName: "key=value"))
    var parameters: [String] = []

    @Option(name: .long, help: "How many tasks may run at once across the run (besides the pipeline's maxParallel).")
    var workers = 4

    @Flag(name: .long, help: "Print only one JSON object with the run and its tasks.")
    var json = false

    @OptionGroup var taskUser: TaskUserOption

    func validate() throws {
        guard workers > 0 else { throw ValidationError("--workers must be at least 1") }
    }

    func run() async throws {
        try await reportingFailures(json: json) {
            let user = try taskUser.prepare(options.stateDirectory)
            let (store, request) = try await prepare()
            let showProgress = !json && isatty(STDERR_FILENO) == 1
            let executor = RunExecutor(store: store, stateDirectory: options.stateDirectory, workers: workers, taskUser: user, progress: { event in
                guard showProgress else { return }
                RunProgress.print(event)
            })
            let result: RunResult
            do {
                result = try await executor.execute(request)
            } catch let error as EngineError {
                throw CommandFailure(error.description, code: error.code.rawValue)
            } catch let error as StoreError {
                throw CommandFailure(error)
            }
            if json { Output.json(RunReport.json(result)) } else { Output.text(RunReport.text(result), terminator: "") }
            if result.run.state != .succeeded { throw ExitCode(1) }
        }
    }

    /// The store and what to run: a file from its work tree, or a name's live version from
    /// its exported tree.
    func prepare() async throws(CommandFailure) -> (SQLiteStore, RunRequest) {
        let store: SQLiteStore
        do { store = try SQLiteStore(stateDirectory: options.stateDirectory) } catch { throw CommandFailure(error) }
        let given: [String: String]
        do { given = try RunParameters.parse(parameters) } catch { throw CommandFailure(error.message, exitCode: 2, code: error.code.rawValue) }

        if pipeline.hasSuffix(".json") || FileManager.default.fileExists(atPath: pipeline) {
            return (store, try FileRunRequest.make(pipeline) { model throws(CommandFailure) in try resolve(model, given) })
        }
        return (store, try await liveRequest(store, given))
    }

    private func liveRequest(_ store: SQLiteStore, _ given: [String: String]) async throws(CommandFailure) -> RunRequest {
        let version = try await LivePipeline.currentVersion(pipeline, in: store, hint: ", or pass a manifest file")
        return try await VersionRunRequest.make(version, store: store, stateDirectory: options.stateDirectory) { model throws(CommandFailure) in
            try resolve(model, given)
        }
    }

    private func resolve(_ model: Pipeline, _ given: [String: String]) throws(CommandFailure) -> [String: String] {
        do { return try RunParameters.resolve(model.parameters, given: given) } catch { throw CommandFailure(error.message, exitCode: 2, code: error.code.rawValue) }
    }
}

/// Progress lines on standard error while a run goes.
enum RunProgress {
    static func print(_ event: ProgressEvent) {
        let line: String
        switch event.kind {
        case .started(let attempt):
            line = "  \(event.task): started\(attempt > 1 ? " (attempt \(attempt))" : "")"
        case .retrying(let failed, let delay):
            line = "  \(event.task): attempt \(failed.attempts) \(failed.state.rawValue)\(failed.reason.map { " (\($0))" } ?? ""); retrying in \(RunReport.duration(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18))"
        case .finished(let result):
            var text = "  \(event.task): \(result.state.rawValue)"
            if let started = result.startedAt, let finished = result.finishedAt {
                text += " in \(RunReport.duration(finished.timeIntervalSince(started)))"
            }
            if let reason = result.reason, result.state != .succeeded { text += " (\(reason))" }
            line = text
        }
        Output.error(line)
    }
}

/// How a finished run prints.
enum RunReport {
    static func duration(_ seconds: TimeInterval) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f s", seconds)
    }

    static func text(_ result: RunResult) -> String {
        let run = result.run
        var lines = ["run \(run.id ?? 0) of \(run.pipeline): \(run.state.rawValue)\(run.reason.map { " (\($0))" } ?? "")"]
        for task in result.tasks {
            var line = "  \(task.id)  \(task.state.rawValue)"
            if task.attempts > 1 { line += "  \(task.attempts) attempts" }
            if let code = task.exitCode, task.state != .succeeded { line += "  exit \(code)" }
            if let reason = task.reason, task.state != .succeeded { line += "  \(reason)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ result: RunResult) -> JSONValue {
        let run = result.run
        func milliseconds(_ start: Date?, _ end: Date?) -> JSONValue {
            guard let start, let end else { return JSONOut.null }
            return JSONOut.int(Int((end.timeIntervalSince(start) * 1000).rounded()))
        }
        let tasks = result.tasks.map { task in
            JSONOut.object([
                ("id", JSONOut.string(task.id)),
                ("state", JSONOut.string(task.state.rawValue)),
                ("attempts", JSONOut.int(task.attempts)),
                ("exitCode", JSONOut.int(task.exitCode.map(Int.init))),
                ("outputs", JSONOut.object(task.outputs.sorted { $0.key < $1.key }.map { ($0.key, JSONOut.string($0.value)) })),
                ("durationMs", milliseconds(task.startedAt, task.finishedAt)),
            ])
        }
        return JSONOut.object([("run", JSONOut.object([
            ("id", JSONOut.int(run.id.map(Int.init))),
            ("pipeline", JSONOut.string(run.pipeline)),
            ("state", JSONOut.string(run.state.rawValue)),
            ("startedAt", JSONOut.date(run.startedAt)),
            ("finishedAt", JSONOut.date(run.finishedAt)),
            ("durationMs", milliseconds(run.startedAt, run.finishedAt)),
            ("tasks", JSONOut.array(tasks)),
        ]))])
    }
}
