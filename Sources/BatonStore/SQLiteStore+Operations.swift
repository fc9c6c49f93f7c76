import Foundation
import GRDB

// The reads and writes of the operations library (`BatonOperations`): paged run lists, each
// pipeline's recent runs, and runs requested by someone, recorded with their audit event.
extension SQLiteStore {
    public func runs(_ query: RunQuery) async throws(StoreError) -> [RunRecord] {
        try await read { db in
            var request = RunRecord.all()
            if let pipeline = query.pipeline { request = request.filter(Column("pipeline") == pipeline) }
            if !query.states.isEmpty { request = request.filter(query.states.map(\.rawValue).contains(Column("state"))) }
            if let trigger = query.trigger { request = request.filter(Column("trigger") == trigger.rawValue) }
            if let before = query.beforeID { request = request.filter(Column("id") < before) }
            return try request.order(Column("id").desc).limit(max(0, query.limit)).fetchAll(db)
        }
    }

    public func recentRuns(of pipelines: [String], limit: Int) async throws(StoreError) -> [String: [RunRecord]] {
        guard limit > 0, !pipelines.isEmpty else { return [:] }
        return try await read { db in
            var byPipeline: [String: [RunRecord]] = [:]
            // One indexed range per pipeline (`run_pipeline_id`): a thousand small seeks
            // cost less than ranking every run of the table.
            let statement = try db.cachedStatement(sql: "SELECT * FROM run WHERE pipeline = ? ORDER BY id DESC LIMIT ?")
            for name in pipelines {
                let runs = try RunRecord.fetchAll(statement, arguments: [name, limit])
                if !runs.isEmpty { byPipeline[name] = runs }
            }
            return byPipeline
        }
    }

    public func createRun(_ run: RunRecord, recording event: @escaping @Sendable (RunRecord) -> AuditEvent) async throws(StoreError) -> RunRecord {
        try await writeNow { db in
            var stored = run
            stored.scheduledAt = nil
            let insert = try db.cachedStatement(sql: RunRecord.table.insertSQL)
            try insert.execute(arguments: RunRecord.table.arguments(stored))
            stored.id = db.lastInsertedRowID
            var audit = event(stored)
            try audit.insert(db)
            return stored
        }
    }

    public func updateRun(id: Int64, recording event: @escaping @Sendable (_ before: RunRecord, _ after: RunRecord) -> AuditEvent?, _ change: @escaping @Sendable (inout RunRecord) -> Void) async throws(StoreError) -> RunRecord {
        try await writeNow { db in
            let find = try db.cachedStatement(sql: "SELECT * FROM run WHERE id = ?")
            guard let before = try RunRecord.fetchOne(find, arguments: [id]) else { throw StoreError(.notFound, "run \(id) does not exist") }
            var after = before
            change(&after)
            if after != before { try Self.update(after, db) }
            if var audit = event(before, after) { try audit.insert(db) }
            return after
        }
    }
}
