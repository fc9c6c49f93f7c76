import BatonTestSupport
import Foundation
import GRDB
import Testing

/// Store writes that fail must not be dropped: a task whose pid cannot be recorded must not
/// run untracked (crash recovery finds a task's processes by that pid), and a run whose end
/// cannot be recorded is recorded as soon as the store takes writes again, the daemon saying
/// so once a minute meanwhile. The failures are real SQLite errors, raised by triggers in the
/// real database file, so they hit exactly the write under test.
@Suite struct StoreWriteFailureTests {
    func database(_ state: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: "\(state)/baton.sqlite", configuration: configuration)
    }

    @Test func aTaskWhosePidCannotBeRecordedIsStoppedAndItsRunFails() throws {
        let directory = try TemporaryDirectory()
        let state = directory.url.appendingPathComponent("state").path
        let marks = directory.url.appendingPathComponent("marks").path
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        let file = try directory.write("slow.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "slow",
             "tasks": [{"id": "work", "run": "touch \(marks)/started; sleep 2; touch \(marks)/finished"}]}
            """)
        // A first run creates the store; then the pid's write is refused.
        let quick = try directory.write("quick.json", manifest(named: "quick"))
        #expect(try BatonBinary.run(["run", quick.path, "--state", state]).status == 0)
        let queue = try database(state)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_pid BEFORE UPDATE OF pid ON task_attempt
                WHEN NEW.pid IS NOT NULL AND NEW.state = 'running'
                BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END
                """)
        }
        try queue.close()

        let result = try BatonBinary.run(["run", file.path, "--state", state])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("pid could not be recorded"), "\(result.stdout)")
        // `baton run` returns only once the task's process group is gone: it was stopped at
        // once, long before its two seconds were up.
        #expect(!FileManager.default.fileExists(atPath: "\(marks)/finished"), "the untracked process ran to its end")
        let reopened = try database(state)
        let (runState, attemptState, reason) = try reopened.read { db -> (String?, String?, String?) in
            let run = try Row.fetchOne(db, sql: "SELECT state FROM run WHERE pipeline = 'slow'")
            let attempt = try Row.fetchOne(db, sql: "SELECT a.state, a.reason FROM task_attempt a JOIN run r ON r.id = a.runID WHERE r.pipeline = 'slow'")
            return (run?["state"], attempt?["state"], attempt?["reason"])
        }
        #expect(runState == "failed")
        #expect(attemptState == "failed")
        #expect(reason?.contains("disk I/O error") == true, "\(reason ?? "nil")")
    }

    @Test func aRunWhoseEndCannotBeRecordedEndsFailedAsSoonAsTheStoreTakesWrites() throws {
        let scenario = try ReconcilerScenario()
        let gate = scenario.directory.url.appendingPathComponent("go").path
        try scenario.repo.write("manifests/gated.json", servedPipeline("gated", every: "1h", run: "while [ ! -e \(gate) ]; do sleep 0.05; done"))
        try scenario.repo.commit("Add gated")
        let serve = try ServeProcess(scenario).start()

        // `trigger --wait` follows the run from another process, as a user's would.
        let follower = Process()
        follower.executableURL = BatonBinary.url
        follower.arguments = ["trigger", "gated", "--wait", "--state", scenario.state]
        let output = Pipe()
        follower.standardOutput = output
        follower.standardError = output
        try follower.run()
        try serve.waitFor("the task to run") {
            try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM task_attempt WHERE state = 'running' AND pid IS NOT NULL") } == 1
        }

        // From here on every write of a run, an attempt or the daemon's status row fails,
        // like on a full disk.
        let tables = ["run", "task_attempt", "daemon"]
        let queue = try database(scenario.state)
        try queue.write { db in
            for table in tables {
                for event in ["INSERT", "UPDATE"] {
                    try db.execute(sql: "CREATE TRIGGER refuse_\(event)_\(table) BEFORE \(event) ON \(table) BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
                }
            }
        }
        _ = FileManager.default.createFile(atPath: gate, contents: nil)
        try serve.waitFor("the daemon to report the unrecorded end") {
            serve.logLines().contains { $0.message.hasPrefix("cannot record the end of a failed run") }
        }
        // Retried every 2 s meanwhile, logged once (a minute has not passed).
        let firstReport = Date()
        while Date().timeIntervalSince(firstReport) < 5 { usleep(100_000) }
        #expect(serve.logLines().filter { $0.message.hasPrefix("cannot record the end of a failed run") }.count == 1, "\(serve.logText.suffix(3000))")
        // The status row, written after every pass (each second here), likewise.
        #expect(serve.logLines().filter { $0.message.hasPrefix("cannot record the reconcile pass") }.count == 1, "\(serve.logText.suffix(3000))")
        #expect(try serve.runs("gated").first?.state == "running")
        #expect(follower.isRunning, "trigger --wait returned while the run was still running")

        try queue.write { db in
            for table in tables {
                for event in ["INSERT", "UPDATE"] { try db.execute(sql: "DROP TRIGGER refuse_\(event)_\(table)") }
            }
        }
        try queue.close()
        try serve.waitFor("the run to end failed", timeout: 10) { try serve.runs("gated").first?.state == "failed" }
        let run = try #require(try serve.runs("gated").first)
        #expect(run.reason?.contains("database or disk is full") == true, "\(run.reason ?? "nil")")
        #expect(run.finishedAt != nil)
        let attempts = try serve.read { try String.fetchAll($0, sql: "SELECT state FROM task_attempt WHERE runID = ?", arguments: [run.id]) } ?? []
        #expect(attempts == ["failed"], "an attempt left running: \(attempts)")
        let recovered = serve.logLines().first { $0.message.hasPrefix("the store takes writes again") }
        #expect(Int(recovered?.fields["failures"] as? String ?? "") ?? 0 >= 2, "\(serve.logText.suffix(2000))")
        try serve.waitFor("the status row to be written again") { serve.logLines().contains { $0.message == "the daemon's status row is recorded again" } }

        try serve.waitFor("trigger --wait to return", timeout: 10) { !follower.isRunning }
        follower.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(follower.terminationStatus == 1, "\(printed)")
        #expect(try serve.stop() == 0)
    }
}
