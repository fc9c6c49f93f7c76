import ArgumentParser
import BatonEngine
import BatonManifest
import BatonOperations
import Foundation

/// `baton logs RUN`: the logs of a run's attempts.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the logs of a run, task by task.",
        discussion: """
            Every line carries its time and stream, as the executor wrote it. Each attempt \
            starts with a header giving its state and, when it has one, the reason (a missing \
            secret, a timeout, an interrupted process): an attempt that never started a \
            process has no log lines but still has its header. The run's own state and reason \
            close the output once it has ended.

              $ baton logs 12 --task load
              == load attempt 1 (succeeded)
              2026-11-24T05:00:03.120Z stdout loaded 1204 rows
              == run 12 of sales-etl: succeeded

            With --follow, keeps printing as the run writes, until it ends. With --json, \
            prints one object: the run, and each attempt with its state, reason and lines \
            (time, stream, text).

            Exit status: 0 success, 1 when the run or task is unknown, 2 for a usage error.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The run's id (see `baton runs`).")
    var runID: Int64

    @Option(name: .long, help: "Only this task.")
    var task: String?

    @Option(name: .long, help: "Only this attempt (1, 2, …).")
    var attempt: Int?

    @Flag(name: .long, help: "Keep printing new lines until the run ends.")
    var follow = false

    @Flag(name: .long, help: "Print one JSON object with the run, its attempts, their reasons and log lines, and nothing else.")
    var json = false

    func validate() throws {
        if json && follow { throw ValidationError("--json prints the logs as they are once; drop --follow, or follow without --json") }
    }

    func run() async throws {
        try await reportingFailures(json: json) {
            let operations = try options.operations()
            if json {
                let logs = try await operation { () async throws(OperationError) in try await operations.runLogs(runID, task: task, attempt: attempt) }
                Output.json(Self.document(logs))
                return
            }
            var printed: [String: UInt64] = [:]
            /// Attempts whose header is out, and whether it already gave the final state.
            var headed: [String: Bool] = [:]
            // Log lines land in runs/, the run's and attempts' states in the store's WAL.
            let state = options.stateDirectory
            let changes = follow ? FileChanges(folders: [state, "\(state)/runs"]) : nil
            while true {
                let run = try await operation { () async throws(OperationError) in try await operations.runAttempts(runID, task: task, attempt: attempt) }
                for record in run.attempts ?? [] {
                    let key = "\(record.task)\u{0}\(record.attempt)"
                    let ended = Self.hasEnded(record)
                    switch headed[key] {
                    case nil:
                        Self.write("== \(record.task) attempt \(record.attempt) (\(Self.outcome(record)))\n")
                        headed[key] = ended
                    case false? where ended:
                        // Followed while it ran: say how it ended, reason included.
                        Self.write("== \(record.task) attempt \(record.attempt) ended: \(Self.outcome(record))\n")
                        headed[key] = true
                    default: break
                    }
                    guard record.hasLog else { continue }
                    printed[key] = try await Self.copy(operations, LogRequest(run: runID, task: record.task, attempt: record.attempt, offset: printed[key] ?? 0))
                }
                if run.isFinished {
                    Self.write("== run \(runID) of \(run.pipeline): \(run.state.rawValue)\(run.reason.map { " (\($0))" } ?? "")\n")
                }
                if !follow || run.isFinished { break }
                if let changes {
                    // Bounded, so a change inotify cannot see (another host's store) still shows.
                    changes.wait(upTo: .seconds(1))
                } else {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }
    }

    /// Headers go straight to the file handle, as the log bytes do, so the two never reorder;
    /// they hold task ids and reasons, so control characters are escaped.
    private static func write(_ line: String) {
        FileHandle.standardOutput.write(Data(Output.escaped(line).utf8))
    }

    private static func hasEnded(_ record: AttemptInfo) -> Bool {
        record.state.isTerminal
    }

    /// `failed: secret "db" is not set …`, or the state alone when there is no reason.
    static func outcome(_ record: AttemptInfo) -> String {
        record.reason.map { "\(record.state.rawValue): \($0)" } ?? record.state.rawValue
    }

    /// The `--json` document: the run and each attempt with its reason and parsed lines.
    static func document(_ logs: RunLogs) -> JSONValue {
        let entries = logs.attempts.map { entry in
            JSONOut.object(RunsCommand.attemptFields(entry.attempt) + [
                ("lines", JSONOut.array(entry.lines.map { line in
                    JSONOut.object([("time", JSONOut.string(line.time)), ("stream", JSONOut.string(line.stream)), ("text", JSONOut.string(line.text))])
                })),
            ])
        }
        return JSONOut.object([("run", RunsCommand.json(logs.run, attempts: nil)), ("attempts", JSONOut.array(entries))])
    }

    /// Writes the log from the request's offset to standard output, the task's bytes as they
    /// are, piece by piece; returns the offset reached.
    static func copy(_ operations: Operations, _ request: LogRequest) async throws(CommandFailure) -> UInt64 {
        var request = request
        request.limit = 1 << 20
        while true {
            let chunk = try await operation { () async throws(OperationError) in try await operations.log(request) }
            if chunk.bytes.isEmpty { return chunk.nextOffset }
            FileHandle.standardOutput.write(Data(chunk.bytes))
            request.offset = chunk.nextOffset
        }
    }
}
