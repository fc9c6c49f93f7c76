@testable import BatonStore
import BatonTestSupport
import Foundation
import GRDB
import Testing

/// Dates the store writes stay within the years 0001–9999, which GRDB can read back; a date
/// it cannot read is a `StoreError`, never a trap (GRDB's row subscripts use `try!`).
@Suite struct StoredDateStoreTests {
    static let year10485 = Date(timeIntervalSince1970: 268_700_000_000)

    @Test func datesAreWrittenClampedToTheYear9999AndReadBack() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        #expect(DatabaseDate.text(Self.year10485) == "9999-12-31 23:59:59.999")
        #expect(DatabaseDate.text(Date(timeIntervalSince1970: -70_000_000_000)) == "0001-01-01 00:00:00.000")
        #expect(DatabaseDate.text(Date(timeIntervalSince1970: 1_700_000_000.25)) == "2023-11-14 22:13:20.250")

        // What `--interval 3000000d` once did to the daemon's status row.
        try await store.saveDaemon(DaemonRecord(pid: 1, processStartTime: nil, startedAt: Date(), interval: 60, nextReconcileAt: Self.year10485))
        let text = try await DatabaseQueue(path: store.path).read { try String.fetchOne($0, sql: "SELECT nextReconcileAt FROM daemon") }
        #expect(text == "9999-12-31 23:59:59.999")
        #expect(try await store.daemon()?.nextReconcileAt == DatabaseDate.latest)
    }

    @Test func aFiveDigitYearReadsAsTheLastDayAndGarbageIsAnErrorNamingTheColumn() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        try await store.saveDaemon(DaemonRecord(pid: 1, processStartTime: nil, startedAt: Date(), interval: 60))
        let queue = try DatabaseQueue(path: store.path)

        // As GRDB's own formatter wrote it before the store clamped: five year digits.
        try await queue.write { try $0.execute(sql: "UPDATE daemon SET nextReconcileAt = '10485-03-01 12:00:00.000'") }
        #expect(try await store.daemon()?.nextReconcileAt == DatabaseDate.latest)

        for garbage in ["not a date", "2026-", ""] {
            try await queue.write { try $0.execute(sql: "UPDATE daemon SET nextReconcileAt = ?", arguments: [garbage]) }
            let error = await #expect(throws: StoreError.self) { try await store.daemon() }
            #expect(error?.code == .unreadable)
            #expect(error?.message.contains("daemon row's nextReconcileAt") == true, "\(error?.message ?? "")")
        }
        // A required date that is empty, and a required text that is NULL.
        try await queue.write { try $0.execute(sql: "UPDATE daemon SET nextReconcileAt = NULL, startedAt = 'soon'") }
        let required = await #expect(throws: StoreError.self) { try await store.daemon() }
        #expect(required?.message.contains("startedAt") == true)
    }

    /// A state or trigger this Baton does not know (written by a newer one, or by hand) is an
    /// error naming the row and column, not a run quietly read as failed.
    @Test func aStateOrTriggerThisBatonDoesNotKnowIsAnErrorNotAGuess() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let run = try await store.createRun(RunRecord(pipeline: "p", versionID: nil, scheduledAt: nil, trigger: .manual, state: .running, createdAt: Date())).run
        let id = try #require(run.id)
        _ = try await store.insertAttempt(TaskAttemptRecord(runID: id, taskID: "t", attempt: 1, state: .running))
        #expect(try await store.run(id: id)?.trigger == .manual)
        let queue = try DatabaseQueue(path: store.path)
        for (column, value) in [("trigger", "webhook"), ("state", "paused")] {
            try await queue.write { try $0.execute(sql: "UPDATE run SET \(column) = ? WHERE id = ?", arguments: [value, id]) }
            let error = await #expect(throws: StoreError.self) { try await store.run(id: id) }
            #expect(error?.code == .unreadable)
            #expect(error?.message.contains("run row's \(column) holds") == true, "\(error?.message ?? "")")
            try await queue.write { try $0.execute(sql: "UPDATE run SET trigger = 'manual', state = 'running' WHERE id = ?", arguments: [id]) }
        }
        try await queue.write { try $0.execute(sql: "UPDATE task_attempt SET state = 'paused'") }
        let error = await #expect(throws: StoreError.self) { try await store.attempts(ofRun: id) }
        #expect(error?.message.contains("task_attempt row's state holds") == true, "\(error?.message ?? "")")
    }

    /// A signer method this Baton does not know is an unreadable row, never a commit shown as
    /// unsigned.
    @Test func aSignerMethodThisBatonDoesNotKnowIsAnError() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let commit = StoreFixtures.commit(1)
        var write = StoreFixtures.write(commit, after: nil, versions: [])
        write.revision?.signer = CommitSigner(method: .openpgp, identity: "Alice <alice@example.com>", key: "5A94")
        try await store.apply(write)
        #expect(try await store.revisions(limit: 1).first?.signer?.method == .openpgp)
        let queue = try DatabaseQueue(path: store.path)
        try await queue.write { try $0.execute(sql: "UPDATE revision SET signerMethod = 'x509'") }
        let error = await #expect(throws: StoreError.self) { try await store.revisions(limit: 1) }
        #expect(error?.code == .unreadable)
        #expect(error?.message.contains("revision row's signerMethod holds") == true, "\(error?.message ?? "")")
    }
}
