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
}
