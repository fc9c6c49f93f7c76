import ArgumentParser
import BatonEngine
import BatonManifest
import BatonStore
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
            let store = try options.existingStore()
            if json {
                let (run, attempts) = try await load(store)
                Output.json(Self.document(run, attempts))
                return
            }
            var printed: [String: UInt64] = [:]
            /// Attempts whose header is out, and whether it already gave the final state.
            var headed: [String: Bool] = [:]
            // Log lines land in runs/, the run's and attempts' states in the store's WAL.
            let state = options.stateDirectory
            let changes = follow ? FileChanges(folders: [state, "\(state)/runs"]) : nil
            while true {
                let (run, attempts) = try await load(store)
                for record in attempts {
                    let key = "\(record.taskID)\u{0}\(record.attempt)"
                    let ended = Self.hasEnded(record)
                    switch headed[key] {
                    case nil:
                        Self.write("== \(record.taskID) attempt \(record.attempt) (\(Self.outcome(record)))\n")
                        headed[key] = ended
                    case false? where ended:
                        // Followed while it ran: say how it ended, reason included.
                        Self.write("== \(record.taskID) attempt \(record.attempt) ended: \(Self.outcome(record))\n")
                        headed[key] = true
                    default: break
                    }
                    guard let path = record.logPath else { continue }
                    let offset = printed[path] ?? 0
                    printed[path] = offset + Self.copy(path, from: offset)
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

    private static func hasEnded(_ record: TaskAttemptRecord) -> Bool {
        TaskState(rawValue: record.state)?.isTerminal ?? true
    }

    /// `failed: secret "db" is not set …`, or the state alone when there is no reason.
    static func outcome(_ record: TaskAttemptRecord) -> String {
        record.reason.map { "\(record.state): \($0)" } ?? record.state
    }

    func load(_ store: SQLiteStore) async throws(CommandFailure) -> (RunRecord, [TaskAttemptRecord]) {
        do {
            guard let run = try await store.run(id: runID) else { throw CommandFailure("no run \(runID); `baton runs` lists them", code: "unknown-run") }
            var attempts = try await store.attempts(ofRun: runID)
            if let task {
                attempts = attempts.filter { $0.taskID == task }
                if attempts.isEmpty { throw CommandFailure("run \(runID) has no task \"\(task)\"", code: "unknown-task") }
            }
            if let attempt { attempts = attempts.filter { $0.attempt == attempt } }
            return (run, attempts)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// The `--json` document: the run and each attempt with its reason and parsed lines.
    static func document(_ run: RunRecord, _ attempts: [TaskAttemptRecord]) -> JSONValue {
        let entries = attempts.map { record in
            JSONOut.object(RunsCommand.attemptFields(record) + [
                ("lines", JSONOut.array(record.logPath.map(lines) ?? [])),
            ])
        }
        return JSONOut.object([("run", RunsCommand.json(run, attempts: nil)), ("attempts", JSONOut.array(entries))])
    }

    /// A log file's lines as objects. The executor writes `TIME STREAM TEXT`; a line that does
    /// not have that shape (it should not happen) is kept whole as text.
    static func lines(_ path: String) -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast(data.last == UInt8(ascii: "\n") ? 1 : 0).map { line in
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[1] == "stdout" || parts[1] == "stderr" else {
                return JSONOut.object([("time", JSONOut.null), ("stream", JSONOut.null), ("text", JSONOut.string(String(line)))])
            }
            return JSONOut.object([
                ("time", JSONOut.string(String(parts[0]))), ("stream", JSONOut.string(String(parts[1]))),
                ("text", JSONOut.string(parts.count == 3 ? String(parts[2]) : "")),
            ])
        }
    }

    /// Writes the file from `offset` to standard output, in chunks; returns the bytes copied.
    static func copy(_ path: String, from offset: UInt64) -> UInt64 {
        guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        var copied: UInt64 = 0
        while let chunk = try? handle.read(upToCount: 65_536), !chunk.isEmpty {
            FileHandle.standardOutput.write(chunk)
            copied += UInt64(chunk.count)
        }
        return copied
    }
}
