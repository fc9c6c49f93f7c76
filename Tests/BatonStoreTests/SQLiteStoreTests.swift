@testable import BatonStore
import BatonTestSupport
import Foundation
import GRDB
import Testing

/// The SQLite store: the shared contract, plus what only a file on disk can show
/// (migrations from an older schema, refusal of a newer one, atomicity, immutability).
@Suite struct SQLiteStoreTests {
    /// Pipeline `etl` applied from commit `abc`, as the first migrations' store wrote it: a
    /// revision, its version and the pipeline row, in those tables' first columns only.
    static let etlRows = """
            INSERT INTO revision (commitID, authorName, authorEmail, authorTime, committerName, committerEmail, commitTime, subject,
              outcome, movement, creates, updates, retires, revives, unchanged, diagnostics, recordedAt)
              VALUES ('abc', 'Ana', 'ana@example.com', '2026-01-01 00:00:00.000', 'Ana', 'ana@example.com', '2026-01-01 00:00:00.000', 'Add etl',
              'applied', 'initial', 1, 0, 0, 0, 0, '[]', '2026-01-01 00:00:00.000');
            INSERT INTO pipeline_version (pipeline, number, changeKind, spec, specHash, commitID, authorName, authorEmail, authorTime,
              committerName, committerEmail, commitTime, subject, revisionCommit, treeID, filePath, blobID, changes, revisionID, appliedAt)
              VALUES ('etl', 1, 'create', '{"name":"etl"}', 'h1', 'abc', 'Ana', 'ana@example.com', '2026-01-01 00:00:00.000', 'Ana',
              'ana@example.com', '2026-01-01 00:00:00.000', 'Add etl', 'abc', 'tree', 'manifests/etl.json', 'blob', '[]', 1, '2026-01-01 00:00:00.000');
            INSERT INTO pipeline (name, state, currentVersionID, version, specHash, createdAt, updatedAt)
              VALUES ('etl', 'active', 1, 1, 'h1', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000');
        """

    typealias F = StoreFixtures

    @Test(arguments: StateStoreContract.allCases)
    func contract(_ contract: StateStoreContract) async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        try await contract.run(on: store)
    }

    /// A write by another process (here another connection, as `baton trigger` beside the
    /// daemon opens one) moves the count the daemon's server reads.
    @Test func aCommitByAnotherConnectionMovesTheChangeCount() async throws {
        let temp = try TemporaryDirectory()
        let daemon = try SQLiteStore(stateDirectory: temp.sub("state"))
        let before = try await daemon.changeCount()
        #expect(try await daemon.changeCount() == before)
        let cli = try SQLiteStore(stateDirectory: temp.sub("state"))
        _ = try await cli.createRun(RunRecord(pipeline: "etl", versionID: nil, scheduledAt: nil, trigger: .manual, state: .queued, createdAt: F.time(1)))
        #expect(try await daemon.changeCount() != before)
    }

    @Test func theFileIsWALWithForeignKeys() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        #expect(store.path == temp.sub("state") + "/baton.sqlite")
        let queue = try DatabaseQueue(path: store.path)
        #expect(try await queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        // A version pointing at no revision is refused by the foreign key.
        await #expect(throws: DatabaseError.self) {
            try await queue.write { db in
                try db.execute(sql: "PRAGMA foreign_keys = ON")
                try db.execute(sql: """
                    INSERT INTO pipeline_version (pipeline, number, changeKind, spec, specHash, commitID, authorName, authorEmail,
                      authorTime, committerName, committerEmail, commitTime, subject, revisionCommit, treeID, filePath, blobID,
                      changes, revisionID, appliedAt)
                    VALUES ('x', 1, 'create', '{}', 'h', 'c', 'a', 'e', '2026-01-01', 'a', 'e', '2026-01-01', 's', 'c', 't', 'p', 'b', '[]', 999, '2026-01-01')
                    """)
            }
        }
    }

    @Test func aDatabaseFromTheFirstMigrationIsMigratedForwardWithItsData() async throws {
        let temp = try TemporaryDirectory()
        let path = temp.sub("old.sqlite")
        // What a Baton that only knew "v1-revisions" left behind.
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "v1-revisions")
        try await old.write { db in
            try db.execute(sql: """
                INSERT INTO source (id, url, ref, path, lastAppliedCommit, rulesVersion) VALUES (1, '/srv/p', 'main', 'manifests', 'abc', 1);
                \(Self.etlRows)
                """)
        }
        #expect(try await old.read { try $0.tableExists("run") } == false)
        try old.close()

        let store = try SQLiteStore(path: path)
        #expect(try await store.source()?.lastAppliedCommit == "abc")
        let etl = try #require(try await store.versions(of: "etl").first)
        #expect(etl.commit.author.email == "ana@example.com")
        #expect(etl.spec == #"{"name":"etl"}"#)
        let run = try await store.createRun(RunRecord(pipeline: "etl", versionID: etl.id, scheduledAt: F.time(1), trigger: .schedule, state: .queued, createdAt: F.time(1)))
        #expect(run.created)
    }

    /// A run's and an attempt's columns are one list each (`ColumnTable`): it must name every
    /// column the migrations made, so a column added without it fails here, not in a daemon.
    @Test func theColumnTablesNameEveryColumnOfTheirTables() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let queue = try DatabaseQueue(path: store.path)
        for (table, written) in [(RunRecord.table.table, RunRecord.table.columns.map(\.name)), (TaskAttemptRecord.table.table, TaskAttemptRecord.table.columns.map(\.name))] {
            let columns = try await queue.read { db in try db.columns(in: table).map(\.name) }
            #expect(Set(columns).subtracting(["id"]) == Set(written), "\(table): the schema has \(columns), the table writes \(written)")
            #expect(written.count == Set(written).count)
        }
        // Every field goes through the list and comes back.
        let run = RunRecord(
            pipeline: "etl", versionID: nil, scheduledAt: F.time(3), trigger: .failure, state: .running, parameters: ["a": "b"],
            createdAt: F.time(1), startedAt: F.time(2), finishedAt: nil, reason: "why", retryOf: nil, ownerPid: 42, ownerStartTime: 7,
            manifestPath: "/m.json", taskSpecHashes: ["t": "h"], requestedBy: "ana", backfillID: nil, upstreamRunID: 9, upstreamPipeline: "up",
            triggerKey: "run:9", dependentsFired: true)
        let stored = try await store.createRun(run).run
        var expected = run
        expected.id = stored.id
        #expect(try await store.run(id: try #require(stored.id)) == expected)
    }

    @Test func runsOfTheSecondMigrationSurviveTheRebuildOfTheThird() async throws {
        let temp = try TemporaryDirectory()
        let path = temp.sub("v2.sqlite")
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "v2-runs")
        try await old.write { db in
            // As that schema's store wrote them: today's records have columns it lacks.
            try db.execute(sql: Self.etlRows)
            try db.execute(sql: "INSERT INTO run (pipeline, versionID, scheduledAt, trigger, state, createdAt) VALUES ('etl', 1, '2026-01-01 02:00:00.000', 'schedule', 'succeeded', '2026-01-01 02:00:00.000')")
        }
        try old.close()
        let store = try SQLiteStore(path: path)
        let runs = try await store.runs(of: "etl", limit: 5)
        #expect(runs.count == 1)
        #expect(runs.first?.versionID == 1)
        #expect(runs.first?.retryOf == nil)
        // The slot is still unique after the rebuild, and a file run needs no version.
        let again = try await store.createRun(RunRecord(pipeline: "etl", versionID: 1, scheduledAt: try #require(runs.first?.scheduledAt), trigger: .schedule, state: .queued, createdAt: F.time(1)))
        #expect(!again.created)
        #expect(try await store.createRun(RunRecord(pipeline: "scratch", versionID: nil, scheduledAt: nil, trigger: .manual, state: .queued, createdAt: F.time(1))).created)
    }

    /// A daemon before `v6-operations` kept its last pass as the JSON `reconcile --json`
    /// printed, or a failure line; the upgrade carries either over as values.
    @Test(arguments: [
        (#"{"outcome":"rejected","alreadyJudged":false,"commit":{"id":"c0ffee","subject":"Break etl","author":{"name":"Ana","email":"ana@example.com"}},"summary":{"create":1,"update":2,"retire":0,"revive":0,"unchanged":3},"diagnostics":[{"severity":"error"},{"severity":"warning"},{"severity":"error"}],"live":"abc"}"#, "x"),
        ("", "reconcile failed: cannot reach git://example/p"),
    ])
    func aDaemonRowOfTheFifthMigrationKeepsItsLastPass(json: String, summary: String) async throws {
        let temp = try TemporaryDirectory()
        let path = temp.sub("v5.sqlite")
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "v5-file-runs")
        try await old.write { db in
            try db.execute(sql: """
                INSERT INTO daemon (id, pid, startedAt, interval, reconcileCount, lastReconcileAt, lastReconcileSummary, lastReconcileJSON)
                VALUES (1, 4242, '2026-01-01 00:00:00.000', 60, 7, '2026-01-01 00:05:00.000', ?, ?)
                """, arguments: [summary, json.isEmpty ? nil : json])
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        let daemon = try #require(try await store.daemon())
        #expect(daemon.pid == 4242)
        #expect(daemon.reconcileCount == 7)
        let pass = try #require(daemon.lastReconcile)
        #expect(pass.finishedAt == ISO8601DateFormatter().date(from: "2026-01-01T00:05:00Z"))
        if json.isEmpty {
            #expect(pass.outcome == .failed)
            #expect(pass.error == "cannot reach git://example/p")
            #expect(pass.commit == nil)
        } else {
            #expect(pass.outcome == .rejected)
            #expect(pass.commit == "c0ffee")
            #expect(pass.author == Person(name: "Ana", email: "ana@example.com"))
            #expect(pass.subject == "Break etl")
            #expect(pass.counts == ReconcilePass.Counts(created: 1, updated: 2, unchanged: 3))
            #expect(pass.errors == 2 && pass.warnings == 1)
            #expect(pass.live == "abc")
        }
        // The text columns are gone: nothing reads or writes them any more.
        let columns = try await DatabaseQueue(path: path).read { try $0.columns(in: "daemon").map(\.name) }
        #expect(!columns.contains("lastReconcileSummary") && !columns.contains("lastReconcileJSON"))
    }

    @Test func aDatabaseFromANewerBatonIsRefused() async throws {
        let temp = try TemporaryDirectory()
        let path = temp.sub("new.sqlite")
        _ = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            let error = error as? StoreError
            return error?.code == .newerSchema && error?.message.contains("newer Baton") == true
        }
    }

    @Test func aFailedWriteLeavesNoTrace() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let c1 = F.commit(1), c2 = F.commit(2)
        try await store.apply(F.write(c1, after: nil, versions: [F.version("etl", .create, spec: "v1", commit: c1)]))
        // Make the last statement of the next apply fail: everything before it must roll back.
        let queue = try DatabaseQueue(path: store.path)
        try await queue.write { try $0.execute(sql: "CREATE TRIGGER refuse_index BEFORE INSERT ON manifest_file BEGIN SELECT RAISE(ABORT, 'disk on fire'); END") }
        await #expect(throws: StoreError.self) {
            try await store.apply(F.write(c2, after: c1.id, versions: [F.version("etl", .update, spec: "v2", commit: c2), F.version("new", .create, spec: "n", commit: c2)],
                                          index: [ManifestIndexEntry(path: "manifests/new.json", blobID: "b", pipeline: "new")]))
        }
        #expect(try await store.revisions(limit: 10).count == 1)
        #expect(try await store.pipelines().map(\.name) == ["etl"])
        #expect(try await store.versions(of: "etl").count == 1)
        #expect(try await store.auditEvents(AuditQuery()).count == 1)
        #expect(try await store.source()?.lastAppliedCommit == c1.id)
    }

    @Test func versionsAndAuditEventsCannotBeRewritten() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let c1 = F.commit(1)
        try await store.apply(F.write(c1, after: nil, versions: [F.version("etl", .create, spec: "v1", commit: c1)]))
        let queue = try DatabaseQueue(path: store.path)
        for sql in ["UPDATE pipeline_version SET spec = 'x'", "DELETE FROM pipeline_version", "UPDATE audit_event SET authorEmail = 'x'", "DELETE FROM audit_event"] {
            await #expect(throws: DatabaseError.self, "\(sql)") { try await queue.write { try $0.execute(sql: sql) } }
        }
    }

    @Test func aSecondHandleReadsWhileTheFirstWrites() async throws {
        let temp = try TemporaryDirectory()
        let writer = try SQLiteStore(stateDirectory: temp.sub("state"))
        let reader = try SQLiteStore(stateDirectory: temp.sub("state"))
        var previous: String?
        for n in 1...20 {
            let commit = F.commit(n)
            try await writer.apply(F.write(commit, after: previous, versions: [F.version("p\(n)", .create, spec: "s\(n)", commit: commit)]))
            previous = commit.id
            #expect(try await reader.activePipelineCount() == n)
        }
    }

    @Test func anUnwritableStateDirectoryIsAClearError() throws {
        #expect {
            _ = try SQLiteStore(stateDirectory: "/proc/baton-cannot-write-here")
        } throws: { ($0 as? StoreError)?.code == .open }
    }
}
