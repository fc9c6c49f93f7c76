import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `baton serve` as a real process on a real repository and state directory, for the daemon
/// tests: started like a user starts it, its JSON log captured to a file, its store read with
/// GRDB while it runs, stopped with real signals.
final class ServeProcess: @unchecked Sendable {
    let scenario: ReconcilerScenario
    let logPath: String
    private(set) var process: Process?
    private var logHandle: FileHandle?
    private var starts = 0

    init(_ scenario: ReconcilerScenario) {
        self.scenario = scenario
        logPath = scenario.directory.url.appendingPathComponent("serve.log").path
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    var state: String { scenario.state }
    var pid: Int32 { process?.processIdentifier ?? 0 }

    /// Starts the daemon and waits until it has loaded its schedule (its "started" log line)
    /// and finished its first reconcile pass.
    @discardableResult
    func start(_ extra: [String] = [], interval: String = "1s", waitForStart: Bool = true) throws -> ServeProcess {
        starts += 1
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = BatonBinary.url
        process.arguments = ["serve", "--repo", scenario.repo.path, "--state", state, "--interval", interval, "--log-format", "json"] + extra
        process.currentDirectoryURL = scenario.directory.url
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        logHandle = handle
        if waitForStart {
            let started = starts
            try waitFor("the daemon to start (\(started))", timeout: 60) { self.logLines().filter { $0.message == "baton serve started" }.count >= started }
            // And its first reconcile pass, which runs right after: until then a new
            // repository's pipelines are not live yet.
            let pid = Int(process.processIdentifier)
            try waitFor("the daemon's first pass", timeout: 60) {
                let row = try self.read { try Row.fetchOne($0, sql: "SELECT pid, lastReconcileAt FROM daemon") } ?? nil
                return (row?["pid"] as Int?) == pid && (row?["lastReconcileAt"] as String?) != nil
            }
        }
        return self
    }

    /// SIGTERM, then waits for the exit; returns the exit status.
    @discardableResult
    func stop(timeout: TimeInterval = 60) throws -> Int32 {
        guard let process else { return -1 }
        kill(process.processIdentifier, SIGTERM)
        try waitFor("the daemon to exit", timeout: timeout) { !process.isRunning }
        process.waitUntilExit()
        self.process = nil
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// kill -9: no cleanup of any kind.
    func crash() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    func signal(_ number: Int32) { if let process { kill(process.processIdentifier, number) } }

    // MARK: Reading what it did

    struct LogLine {
        var message: String
        var level: String
        var fields: [String: Any]
    }

    func logLines() -> [LogLine] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        return data.split(separator: 0x0A).compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return nil }
            return LogLine(message: object["message"] as? String ?? "", level: object["level"] as? String ?? "", fields: object)
        }
    }

    var logText: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    struct Run: Equatable {
        var id: Int64
        var pipeline: String
        var scheduledAt: String?
        var trigger: String
        var state: String
        var reason: String?
        var startedAt: String?
        var finishedAt: String?
        /// When the daemon decided the slot: the same for every slot of one wake-up.
        var createdAt: String
    }

    /// Every run in the store, oldest first.
    func runs(_ pipeline: String? = nil) throws -> [Run] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, pipeline, scheduledAt, trigger, state, reason, startedAt, finishedAt, createdAt FROM run ORDER BY id")
            return rows.map { row in
                Run(id: row["id"], pipeline: row["pipeline"], scheduledAt: row["scheduledAt"], trigger: row["trigger"], state: row["state"],
                    reason: row["reason"], startedAt: row["startedAt"], finishedAt: row["finishedAt"], createdAt: row["createdAt"])
            }.filter { pipeline == nil || $0.pipeline == pipeline }
        } ?? []
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        let path = "\(state)/baton.sqlite"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// Waits for `condition` on what the daemon wrote, checking every 25 ms (it is another
    /// process: its store and log are the only events there are).
    func waitFor(_ what: String, timeout: TimeInterval = 30, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            if let process, !process.isRunning, !what.contains("exit") {
                Issue.record("the daemon exited while waiting for \(what):\n\(logText.suffix(4000))")
                throw DaemonTestFailure.timedOut(what)
            }
            usleep(25_000)
        }
        Issue.record("timed out after \(timeout) s waiting for \(what):\n\(logText.suffix(4000))")
        throw DaemonTestFailure.timedOut(what)
    }

    /// Whether the process exists and is not a zombie (an orphan's zombie waits for init,
    /// which in a container may never reap it).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    /// The processes whose environment points into this state directory: task processes.
    func taskProcesses() -> [Int32] {
        let needle = Array("BATON_WORKSPACE=\(state)/".utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] != "Z" else { return false }
            return data.split(separator: 0).contains { $0.starts(with: needle) }
        }
    }
}

enum DaemonTestFailure: Error { case timedOut(String) }

/// A manifest for the daemon tests, every `every` (1s by default), with one task.
func servedPipeline(_ name: String, every: String = "1s", run: String = "true", schedule extra: String = "", fields: String = "") -> String {
    """
    {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)",
     "schedule": {"every": "\(every)"\(extra)}\(fields),
     "tasks": [{"id": "work", "run": \(run.hasPrefix("[") ? run : "\"\(run.replacingOccurrences(of: "\"", with: "\\\""))\"")}]}

    """
}
