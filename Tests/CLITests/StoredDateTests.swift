import BatonTestSupport
import Foundation
import GRDB
import Testing

/// A date in the store that is past year 9999 or not a date at all must never crash `status`
/// or `serve`: GRDB's row subscripts trap (`try!`) on a value they cannot decode, and a crash
/// at every start is a crash loop under systemd. A date past the range reads as 9999-12-31;
/// a garbled one is a `[store-unreadable]` error naming the table and column.
@Suite struct StoredDateTests {
    /// Every date column of the schema, by table.
    static let dateColumns: [(table: String, column: String)] = [
        ("source", "lastFetchedAt"), ("source", "lastAppliedAt"), ("source", "lastAttemptedAt"), ("source", "lastErrorAt"),
        ("revision", "authorTime"), ("revision", "commitTime"), ("revision", "recordedAt"),
        ("pipeline", "createdAt"), ("pipeline", "updatedAt"),
        ("pipeline_version", "authorTime"), ("pipeline_version", "commitTime"), ("pipeline_version", "appliedAt"),
        ("audit_event", "time"),
        ("run", "scheduledAt"), ("run", "createdAt"), ("run", "startedAt"), ("run", "finishedAt"),
        ("task_attempt", "startedAt"), ("task_attempt", "finishedAt"),
        ("pipeline_override", "since"),
        ("daemon", "startedAt"), ("daemon", "stoppedAt"), ("daemon", "lastReconcileAt"), ("daemon", "nextReconcileAt"),
    ]

    /// A state directory with a row in every table: a daemon that ran a pipeline once and
    /// stopped, a source that failed once, a suspended pipeline.
    func populatedState() throws -> (ReconcilerScenario, ServeProcess) {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/tick.json", servedPipeline("tick", every: "1s", run: "echo tick"))
        try scenario.repo.commit("Add tick")
        let serve = try ServeProcess(scenario).start()
        try serve.waitFor("a finished run") { try serve.runs("tick").contains { $0.state == "succeeded" } }
        #expect(try serve.stop() == 0)
        #expect(try scenario.withState("suspend", "tick", "--reason", "dates").status == 0)
        try write({ db in
            // Columns a quiet daemon leaves empty get a value, so each is read at least once.
            try db.execute(sql: "UPDATE source SET lastErrorAt = lastFetchedAt, lastError = 'test'")
            try db.execute(sql: "UPDATE daemon SET stoppedAt = startedAt")
            try db.execute(sql: "UPDATE run SET scheduledAt = createdAt WHERE scheduledAt IS NULL")
        }, in: scenario)
        for (table, _) in Self.dateColumns {
            let count = try read(scenario) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") } ?? 0
            #expect(count > 0, "no \(table) row to corrupt")
        }
        return (scenario, serve)
    }

    func write(_ body: (Database) throws -> Void, in scenario: ReconcilerScenario) throws {
        let queue = try DatabaseQueue(path: "\(scenario.state)/baton.sqlite")
        defer { try? queue.close() }
        try queue.write(body)
        // Everything in the main file, so a copy of it is the whole store.
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Sets a column in every row of a table, past the triggers that keep versions and audit
    /// events immutable (this test plays a damaged or hand-edited file).
    static func set(_ table: String, _ column: String, to value: String, _ db: Database) throws {
        let triggers = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", arguments: [table])
        let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", arguments: [table])
        for name in names { try db.execute(sql: "DROP TRIGGER \(name)") }
        try db.execute(sql: "UPDATE \(table) SET \(column) = ?", arguments: [value])
        for sql in triggers { try db.execute(sql: sql) }
    }

    /// Puts back a copy of the database taken after `write`.
    func restore(_ copy: Data, in scenario: ReconcilerScenario) throws {
        let database = "\(scenario.state)/baton.sqlite"
        for suffix in ["-wal", "-shm"] { unlink(database + suffix) }
        try copy.write(to: URL(fileURLWithPath: database))
    }

    func read<T>(_ scenario: ReconcilerScenario, _ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: "\(scenario.state)/baton.sqlite")
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// Year 10485, as GRDB wrote it when `--interval 3000000d` backed off: the daemon and
    /// `status` then crashed on it at every start.
    @Test func datesPastYear9999InEveryColumnAreReadAsTheLastDayAndNothingCrashes() throws {
        let (scenario, serve) = try populatedState()
        try write({ db in
            for (table, column) in Self.dateColumns {
                try Self.set(table, column, to: "10485-03-01 12:00:00.000", db)
            }
        }, in: scenario)
        let status = try scenario.withState("status")
        #expect(status.status == 0, "\(status.status): \(status.stderr)")
        #expect(!status.stderr.contains("Fatal error"), "\(status.stderr)")
        for command in [["runs"], ["logs", "1"], ["audit"], ["history", "tick"], ["status", "--json"]] {
            let result = try BatonBinary.run(command + ["--state", scenario.state])
            #expect(result.status < 128 && !result.stderr.contains("Fatal error"), "\(command): \(result.status) \(result.stderr)")
        }
        // The daemon starts on it, reconciles, runs and stops cleanly.
        #expect(try scenario.withState("resume", "tick").status == 0)
        try serve.start()
        #expect(try serve.stop() == 0)
        // What it wrote since is in range: nothing past 9999 is stored again.
        let far = try read(scenario) { db in
            try Self.dateColumns.map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0.table) WHERE \($0.column) > '9999-12-31 23:59:59.999'") ?? 0 }.reduce(0, +)
        }
        #expect(far == 0)
    }

    @Test func aGarbledDateIsAClearErrorNamingItsColumnNeverACrash() throws {
        let (scenario, serve) = try populatedState()
        let pristine = try Data(contentsOf: URL(fileURLWithPath: "\(scenario.state)/baton.sqlite"))
        for (table, column) in Self.dateColumns {
            try restore(pristine, in: scenario)
            try write({ db in try Self.set(table, column, to: "not a date", db) }, in: scenario)
            for command in [["status"], ["status", "--json"], ["runs"], ["logs", "1"], ["audit"], ["history", "tick"]] {
                let result = try BatonBinary.run(command + ["--state", scenario.state])
                #expect(result.status < 128 && !result.stderr.contains("Fatal error"), "\(table).\(column), \(command): \(result.status) \(result.stderr)")
                if result.status != 0 {
                    #expect(result.stderr.contains("store-unreadable") && result.stderr.contains(column), "\(table).\(column), \(command): \(result.stderr)")
                }
            }
        }
        // The daemon on a store garbled in every column: an error or a clean run, never a
        // trap (a trap at every start is a crash loop).
        try restore(pristine, in: scenario)
        try write({ db in
            for (table, column) in Self.dateColumns { try Self.set(table, column, to: "not a date", db) }
        }, in: scenario)
        let startedBefore = serve.logLines().filter { $0.message == "baton serve started" }.count
        try serve.start(waitForStart: false)
        // Until it says it started (and has settled the runs) or exits.
        try serve.waitFor("the daemon to start or exit", timeout: 30) {
            serve.process?.isRunning != true || serve.logLines().filter { $0.message == "baton serve started" }.count > startedBefore
        }
        if serve.process?.isRunning == true {
            let stopped = try serve.stop()
            #expect(stopped < 128, "\(serve.logText.suffix(3000))")
        } else {
            serve.process?.waitUntilExit()
            let process = try #require(serve.process)
            #expect(process.terminationReason == .exit, "the daemon crashed: \(serve.logText.suffix(3000))")
        }
        #expect(!serve.logText.contains("Fatal error"), "\(serve.logText.suffix(3000))")
    }
}
