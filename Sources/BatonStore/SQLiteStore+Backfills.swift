import Foundation
import GRDB

// Backfills (`baton backfill`): the request and its runs written together, and the few reads
// the daemon makes to start those runs within the backfill's `maxParallel`.
extension SQLiteStore {
    public func createBackfill(_ backfill: BackfillRecord, runs: [RunRecord], recording event: @escaping @Sendable (BackfillRecord) -> AuditEvent) async throws(StoreError) -> BackfillRecord {
        try await write { db in
            var stored = backfill
            stored.id = nil
            stored.slotCount = runs.count
            stored.skippedCount = 0
            try stored.insert(db)
            guard let id = stored.id else { throw StoreError(.database, "the backfill was stored without an id") }
            var skipped = 0
            for run in runs {
                var run = run
                run.backfillID = id
                if !(try Self.insertUnlessTaken(run, db).created) { skipped += 1 }
            }
            stored.skippedCount = skipped
            if skipped == runs.count {
                stored.state = .completed
                stored.finishedAt = stored.createdAt
            }
            try stored.update(db)
            var audit = event(stored)
            try audit.insert(db)
            return stored
        }
    }

    public func backfill(id: Int64) async throws(StoreError) -> BackfillRecord? {
        try await read { db in try BackfillRecord.fetchOne(db, key: id) }
    }

    public func backfills(pipeline: String?, states: [BackfillRecord.State], limit: Int) async throws(StoreError) -> [BackfillRecord] {
        try await read { db in
            var request = BackfillRecord.all()
            if let pipeline { request = request.filter(Column("pipeline") == pipeline) }
            if !states.isEmpty { request = request.filter(states.map(\.rawValue).contains(Column("state"))) }
            return try request.order(Column("id").desc).limit(max(0, limit)).fetchAll(db)
        }
    }

    public func backfillRunCounts(id: Int64) async throws(StoreError) -> [RunRecord.State: Int] {
        try await read { db in try Self.runCounts(ofBackfill: id, db) }
    }

    public func runs(ofBackfill id: Int64, inStates states: [RunRecord.State], limit: Int) async throws(StoreError) -> [RunRecord] {
        try await read { db in
            try RunRecord.filter(Column("backfillID") == id).filter(states.map(\.rawValue).contains(Column("state")))
                .order(Column("scheduledAt"), Column("id")).limit(max(0, limit)).fetchAll(db)
        }
    }

    public func completeBackfill(id: Int64, at time: Date) async throws(StoreError) -> BackfillRecord? {
        try await write { db in
            guard var backfill = try BackfillRecord.fetchOne(db, key: id) else { return nil }
            guard backfill.state == .running else { return backfill }
            let counts = try Self.runCounts(ofBackfill: id, db)
            guard (counts[.queued] ?? 0) + (counts[.running] ?? 0) == 0 else { return backfill }
            backfill.state = .completed
            backfill.finishedAt = time
            try backfill.update(db)
            return backfill
        }
    }

    public func cancelBackfill(id: Int64, reason: String, at time: Date, recording event: @escaping @Sendable (BackfillRecord) -> AuditEvent) async throws(StoreError) -> BackfillCancellation {
        try await write { db in
            guard var backfill = try BackfillRecord.fetchOne(db, key: id) else { throw StoreError(.notFound, "backfill \(id) does not exist") }
            guard backfill.state == .running else { return BackfillCancellation(backfill: backfill, changed: false, cancelledRuns: 0, requested: []) }
            backfill.state = .cancelled
            backfill.finishedAt = time
            backfill.reason = reason
            try backfill.update(db)
            let open = try RunRecord.filter(Column("backfillID") == id)
                .filter([RunRecord.State.queued.rawValue, RunRecord.State.running.rawValue].contains(Column("state")))
                .order(Column("scheduledAt")).fetchAll(db)
            var cancelled = 0
            var requested: [RunRecord] = []
            for var run in open {
                run.reason = reason
                if run.state == .queued {
                    run.state = .cancelled
                    run.finishedAt = time
                    cancelled += 1
                } else {
                    requested.append(run)
                }
                try Self.update(run, db)
            }
            var audit = event(backfill)
            try audit.insert(db)
            return BackfillCancellation(backfill: backfill, changed: true, cancelledRuns: cancelled, requested: requested)
        }
    }

    static func runCounts(ofBackfill id: Int64, _ db: Database) throws -> [RunRecord.State: Int] {
        var counts: [RunRecord.State: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS count FROM run WHERE backfillID = ? GROUP BY state", arguments: [id]) {
            let state: RunRecord.State = try row.value("state", of: "run")
            counts[state] = try row.value("count", of: "run")
        }
        return counts
    }
}
