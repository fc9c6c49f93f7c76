import ArgumentParser
import BatonEngine
import BatonStore
import Foundation

/// `baton logs RUN`: the logs of a run's attempts.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the logs of a run, task by task.",
        discussion: """
            Every line carries its time and stream, as the executor wrote it:

              $ baton logs 12 --task load
              == load attempt 1 (succeeded)
              2026-11-24T05:00:03.120Z stdout loaded 1204 rows

            With --follow, keeps printing as the run writes, until it ends.

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

    func run() async throws {
        try await reportingFailures(json: false) {
            let store = try options.existingStore()
            var printed: [String: UInt64] = [:]
            // Log lines land in runs/, the run's and attempts' states in the store's WAL.
            let state = options.stateDirectory
            let changes = follow ? FileChanges(folders: [state, "\(state)/runs"]) : nil
            while true {
                let (run, attempts) = try await load(store)
                for record in attempts {
                    guard let path = record.logPath else { continue }
                    let offset = printed[path] ?? 0
                    // Straight to the file handle, as the log bytes are, so the two never reorder.
                    if offset == 0 { FileHandle.standardOutput.write(Data("== \(record.taskID) attempt \(record.attempt) (\(record.state))\n".utf8)) }
                    printed[path] = offset + Self.copy(path, from: offset)
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
