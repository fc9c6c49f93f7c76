import Foundation
import GRDB

// Runs started by the end of other runs (`triggers`, `onFailure`): recorded with the
// upstream run's mark in one transaction, and unique per pipeline and trigger key.
extension SQLiteStore {
    public func hasLinkedManifests() async throws(StoreError) -> Bool {
        try await read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM manifest_file WHERE linked = 1)") ?? false }
    }

    public func fireDependents(of upstreamID: Int64, _ runs: [RunRecord]) async throws(StoreError) -> [RunRecord] {
        try await writeNow { db in
            var created: [RunRecord] = []
            let find = try db.cachedStatement(sql: "SELECT id FROM run WHERE pipeline = ? AND triggerKey = ?")
            let insert = try db.cachedStatement(sql: RunRecord.table.insertSQL)
            for run in runs {
                if let key = run.triggerKey, try Int64.fetchOne(find, arguments: [run.pipeline, key]) != nil { continue }
                try insert.execute(arguments: RunRecord.table.arguments(run))
                var stored = run
                stored.id = db.lastInsertedRowID
                created.append(stored)
            }
            try db.execute(sql: "UPDATE run SET dependentsFired = 1 WHERE id = ?", arguments: [upstreamID])
            return created
        }
    }

    public func runsAwaitingDependents(of pipelines: [String], finishedSince since: Date) async throws(StoreError) -> [RunRecord] {
        guard !pipelines.isEmpty else { return [] }
        return try await read { db in
            try RunRecord.fetchAll(db, sql: """
                SELECT * FROM run WHERE dependentsFired = 0 AND finishedAt IS NOT NULL AND finishedAt >= ?
                  AND pipeline IN (\(Self.placeholders(pipelines.count))) ORDER BY finishedAt, id
                """, arguments: StatementArguments([DatabaseDate.text(since)] + pipelines))
        }
    }
}
