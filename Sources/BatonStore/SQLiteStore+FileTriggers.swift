import Foundation
import GRDB

// File-arrival triggers: each watch's baseline and the files it has seen, and the run of a
// new file recorded with its seen mark in one transaction.
extension SQLiteStore {
    public func fileWatches() async throws(StoreError) -> [FileWatchRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT pipeline, path, baselineAt FROM file_watch ORDER BY pipeline, path").map { row throws(StoreError) in
                FileWatchRecord(pipeline: try row.value("pipeline", of: "file_watch"), path: try row.value("path", of: "file_watch"),
                                baselineAt: try row.value("baselineAt", of: "file_watch"))
            }
        }
    }

    public func takeFileBaseline(_ watch: FileWatchRecord, fileKeys: [String]) async throws(StoreError) -> Bool {
        try await writeNow { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM file_watch WHERE pipeline = ? AND path = ?)",
                                           arguments: [watch.pipeline, watch.path]) ?? false
            guard !exists else { return false }
            try db.execute(sql: "INSERT INTO file_watch (pipeline, path, baselineAt) VALUES (?, ?, ?)",
                           arguments: [watch.pipeline, watch.path, DatabaseDate.text(watch.baselineAt)])
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO file_seen (pipeline, path, fileKey) VALUES (?, ?, ?)")
            for key in fileKeys { try insert.execute(arguments: [watch.pipeline, watch.path, key]) }
            return true
        }
    }

    public func seenFiles(pipeline: String, path: String) async throws(StoreError) -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: "SELECT fileKey FROM file_seen WHERE pipeline = ? AND path = ?", arguments: [pipeline, path]))
        }
    }

    public func createFileRun(_ run: RunRecord, watch path: String) async throws(StoreError) -> RunRecord? {
        // A caller's mistake, not a state of the store: a file run is unique by its key.
        guard let key = run.triggerKey else { preconditionFailure("createFileRun needs a run with its trigger key") }
        return try await writeNow { db -> RunRecord? in
            let seen = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM file_seen WHERE pipeline = ? AND path = ? AND fileKey = ?)",
                                         arguments: [run.pipeline, path, key]) ?? false
            if seen { return nil }
            // A watch forgotten a moment before (its trigger removed) is not brought back by
            // its last file: the run's key alone keeps that file from running twice.
            try db.execute(sql: """
                INSERT INTO file_seen (pipeline, path, fileKey)
                SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM file_watch WHERE pipeline = ? AND path = ?)
                """, arguments: [run.pipeline, path, key, run.pipeline, path])
            let taken = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE pipeline = ? AND triggerKey = ?", arguments: [run.pipeline, key])
            if taken != nil { return nil }
            try db.cachedStatement(sql: RunRecord.table.insertSQL).execute(arguments: RunRecord.table.arguments(run))
            var stored = run
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func forgetFileWatch(pipeline: String, path: String) async throws(StoreError) {
        try await writeNow { db in
            try db.execute(sql: "DELETE FROM file_seen WHERE pipeline = ? AND path = ?", arguments: [pipeline, path])
            try db.execute(sql: "DELETE FROM file_watch WHERE pipeline = ? AND path = ?", arguments: [pipeline, path])
        }
    }
}
