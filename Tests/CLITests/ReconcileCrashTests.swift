import BatonTestSupport
import Foundation
import GRDB
import Testing

/// Crash safety of a revision: `baton reconcile --once` applying a large plan is killed with
/// SIGKILL at random moments; after every kill the database must pass SQLite's integrity
/// check and hold the whole revision or none of it, and the next pass must finish the job.
@Suite struct ReconcileCrashTests {
    static let pipelines = 800

    /// A repository of `pipelines` manifests in 30 folders, one commit.
    static func makeRepository(in temp: BatonTestSupport.TemporaryDirectory) throws -> FixtureRepository {
        let repo = try FixtureRepository(at: temp.sub("pipelines"))
        for index in 0..<pipelines {
            try repo.write("manifests/group-\(index % 30)/p\(index).json", """
                {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "p\(index)", "description": "pipeline number \(index) of the crash test",
                 "schedule": {"cron": "\(index % 60) * * * *", "timezone": "Europe/Berlin"},
                 "tasks": [{"id": "extract", "run": "./extract.sh"}, {"id": "load", "needs": ["extract"], "run": ["./load.sh", "\(index)"]}]}

                """)
        }
        try repo.commit("Add \(pipelines) pipelines")
        return repo
    }

    /// What the state directory holds after a kill: nothing of the revision, or all of it.
    enum Verdict: Equatable { case nothing, whole }

    static func inspect(_ state: String) throws -> Verdict {
        let path = "\(state)/baton.sqlite"
        guard FileManager.default.fileExists(atPath: path) else { return .nothing }
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            #expect(integrity == ["ok"], "integrity_check: \(integrity)")
            guard try db.tableExists("revision") else { return .nothing }
            let revisions = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revision") ?? -1
            let counts = try [
                "pipeline_version", "pipeline", "audit_event", "manifest_file",
            ].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1 }
            let applied = try String.fetchOne(db, sql: "SELECT lastAppliedCommit FROM source")
            if revisions == 0 {
                #expect(counts == [0, 0, 0, 0], "no revision, yet rows: \(counts)")
                #expect(applied == nil)
                return .nothing
            }
            #expect(revisions == 1)
            #expect(counts == Array(repeating: pipelines, count: 4), "a partial revision: \(counts)")
            #expect(applied != nil)
            return .whole
        }
    }

    @Test func aKilledApplyLeavesAllOrNothing() throws {
        let temp = try BatonTestSupport.TemporaryDirectory()
        let repo = try Self.makeRepository(in: temp)
        let arguments = ["reconcile", "--once", "--repo", repo.path, "--ref", "main"]

        // How long an undisturbed pass takes here, to aim the kills.
        let referenceState = temp.sub("reference")
        let started = Date()
        let reference = try BatonBinary.run(arguments + ["--state", referenceState])
        let duration = Date().timeIntervalSince(started)
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(try Self.inspect(referenceState) == .whole)

        var random = SystemRandomNumberGenerator()
        var kills = 0, attempts = 0
        var verdicts: [Verdict] = []
        while kills < 24, attempts < 60 {
            attempts += 1
            let state = temp.sub("kill-\(attempts)")
            let process = Process()
            process.executableURL = BatonBinary.url
            process.arguments = arguments + ["--state", state]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The random moment is the point of the test; most land in reading and applying.
            let delay = duration * Double.random(in: 0.2...1.1, using: &random)
            usleep(useconds_t(delay * 1_000_000))
            let wasRunning = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if wasRunning, process.terminationReason == .uncaughtSignal { kills += 1 }

            let verdict = try Self.inspect(state)
            verdicts.append(verdict)
            // Whatever the kill left (a half-cloned mirror, a rolled-back write), the next
            // pass completes the revision; checked on every third state to keep the test short.
            if attempts % 3 == 0 {
                let again = try BatonBinary.run(arguments + ["--state", state])
                #expect(again.status == 0, "after a kill at \(delay)s: \(again.stderr)")
                #expect(try Self.inspect(state) == .whole)
            }
        }
        print("crash test: \(kills) kills in \(attempts) runs; \(verdicts.filter { $0 == .nothing }.count) left nothing, \(verdicts.filter { $0 == .whole }.count) the whole revision")
        #expect(kills >= 20, "only \(kills) of \(attempts) runs were killed while running")
        #expect(verdicts.contains(.nothing))
    }
}
