import BatonTestSupport
import Foundation
import GRDB
import Testing

/// Crash safety of the daemon: `baton serve` with 20 pipelines firing every second is killed
/// with SIGKILL at random moments, 20 times. After every restart no slot has two runs, every
/// run still `running` belongs to the new daemon, no task process of the old one is left,
/// and the database passes SQLite's integrity check; after a last clean stop nothing is left
/// running at all.
@Suite struct ServeCrashTests {
    static let pipelines = 20
    static let kills = 20

    @Test func killingTheDaemonAtRandomMomentsNeverDoublesASlotNorLeavesAnythingBehind() throws {
        let scenario = try ReconcilerScenario()
        for index in 0..<Self.pipelines {
            try scenario.repo.write("manifests/p\(index).json", servedPipeline("p\(index)", run: #"["sleep", "2"]"#, schedule: #", "concurrency": "allow""#))
        }
        try scenario.repo.commit("Add \(Self.pipelines) pipelines")
        let serve = ServeProcess(scenario)
        var generator = SystemRandomNumberGenerator()
        var interrupted = 0
        for round in 0..<Self.kills {
            try serve.start(["--workers", "64"])
            try checkAfterRestart(serve, round: round)
            usleep(UInt32.random(in: 300_000...1_500_000, using: &generator))
            serve.crash()
            interrupted += (try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM task_attempt WHERE state = 'running'") } ?? nil) ?? 0
        }
        #expect(interrupted > 0, "no kill caught a task running; the test proves nothing")

        try serve.start(["--workers", "64", "--grace", "5s"])
        try checkAfterRestart(serve, round: Self.kills)
        #expect(try serve.stop() == 0)
        try serve.read { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run WHERE state IN ('running', 'queued')") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task_attempt WHERE state = 'running'") == 0)
            let interruptedAttempts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task_attempt WHERE reason = 'interrupted'") ?? 0
            #expect(interruptedAttempts > 0)
        }
        #expect(serve.taskProcesses().isEmpty, "task processes outlived the last daemon")
        // The last daemon ran on: each pipeline fired and its runs finished within the grace.
        let runs = try serve.runs()
        for index in 0..<Self.pipelines {
            #expect(runs.contains { $0.pipeline == "p\(index)" && $0.state == "succeeded" }, "p\(index) never succeeded")
        }
        // Interrupted runs were taken up again and ended (retries 0: as failed).
        #expect(runs.contains { $0.state == "failed" })
    }

    func checkAfterRestart(_ serve: ServeProcess, round: Int) throws {
        try serve.read { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"], "round \(round)")
            let doubled = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM (SELECT pipeline, scheduledAt FROM run WHERE scheduledAt IS NOT NULL
                GROUP BY pipeline, scheduledAt HAVING COUNT(*) > 1)
                """)
            #expect(doubled == 0, "round \(round): a slot has two runs")
            // Recovery happened before "started": what is still running is the new daemon's.
            let foreign = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run WHERE state = 'running' AND (ownerPid IS NULL OR ownerPid != ?)", arguments: [serve.pid])
            #expect(foreign == 0, "round \(round): a run stays running without its process")
        }
        // Every task process left is the new daemon's child; the old one's were terminated.
        for pid in serve.taskProcesses() {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            let parent = fields.count > 1 ? Int32(fields[1]) ?? 0 : 0
            #expect(parent == serve.pid, "round \(round): task process \(pid) belongs to parent \(parent), not the running daemon \(serve.pid)")
        }
    }
}
