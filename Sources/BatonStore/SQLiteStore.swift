import Foundation
import GRDB

/// The embedded default store: one SQLite file, `<state>/baton.sqlite`, through GRDB.
///
/// WAL journal (readers never wait for the writer, and a crash mid-write leaves the last
/// committed state) with synchronous=NORMAL, foreign keys on, and a busy timeout so that `baton status` run beside a
/// daemon waits a moment instead of failing. Every write is one transaction; the schema is
/// brought up to date by `migrator` when the store opens.
public final class SQLiteStore: StateStore {
    /// The file name inside the state directory.
    public static let fileName = "baton.sqlite"

    public let path: String
    let pool: DatabasePool
    let group: GroupCommit
    /// A connection of its own for `changeCount()`: SQLite's `data_version` counts commits by
    /// connections other than the one asking, and this one never writes.
    private let watcher: DatabaseQueue

    /// Opens (creating when needed) the store of a state directory.
    public convenience init(stateDirectory: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.open, "cannot create the state directory \(stateDirectory): \(error.localizedDescription)")
        }
        try self.init(path: "\(stateDirectory)/\(Self.fileName)")
    }

    /// Opens (creating when needed) the database at `path` and migrates it to the newest
    /// schema. Refuses a database that a newer Baton has migrated further.
    public init(path: String, busyTimeout: TimeInterval = 5) throws(StoreError) {
        self.path = path
        // Created 0600 before SQLite opens it, whatever the umask: SQLite gives the `-wal`
        // and `-shm` files the database's mode, and the store holds every run's outputs.
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "baton"
        // WAL with synchronous=NORMAL: a commit is atomic and survives a crash of the process
        // (the crash test kills it mid-apply); only a power loss can undo the last commits,
        // and a pass re-applies them from Git (level-triggered). FULL would fsync the WAL on
        // every commit, which for a cold pass of 10,000 pipelines (tens of megabytes of
        // specs) cost over a second of waiting for the disk.
        // A page cache large enough that a big revision is not spilled to the WAL page by page
        // before it commits (SQLite's default 2 MB made a cold pass write every page many
        // times); memory is only taken as pages are used.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.open, "cannot open the state store \(path): \(Self.describe(error))")
        }
        group = GroupCommit(pool: pool)
        do {
            var watching = Configuration()
            watching.readonly = true
            watching.label = "baton.changes"
            watching.busyMode = .timeout(busyTimeout)
            watcher = try DatabaseQueue(path: path, configuration: watching)
        } catch {
            throw StoreError(.open, "cannot open the state store \(path): \(Self.describe(error))")
        }
        let migrator = Self.migrator
        do {
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(.newerSchema, "the state store \(path) was written by a newer Baton (its schema has migrations this version does not know); upgrade Baton or point --state at another directory")
            }
            try migrator.migrate(pool)
            // The reader that asked whether the schema is newer knew the tables before the
            // migrations: GRDB keeps what it learnt of them per connection, and a row read
            // through it would lack the columns just added.
            pool.invalidateReadOnlyConnections()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.open, "cannot migrate the state store \(path): \(Self.describe(error))")
        }
    }

    /// Whether a state directory already has a store, so read-only commands can say "nothing
    /// reconciled yet" instead of creating an empty database.
    public static func exists(inStateDirectory directory: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(directory)/\(fileName)")
    }

    // MARK: Reads

    public func changeCount() async throws(StoreError) -> Int64 {
        let path = path
        if BlockingReadThread.isCurrent {
            do { return try Self.readInPlace(watcher) { try Int64.fetchOne($0, sql: "PRAGMA data_version") ?? 0 } } catch { throw Self.storeError(error, path: path) }
        }
        let result: Result<Int64, StoreError> = await withCheckedContinuation { continuation in
            watcher.asyncRead { database in
                do {
                    continuation.resume(returning: .success(try Int64.fetchOne(try database.get(), sql: "PRAGMA data_version") ?? 0))
                } catch {
                    continuation.resume(returning: .failure(Self.storeError(error, path: path)))
                }
            }
        }
        return try result.get()
    }

    public func source() async throws(StoreError) -> SourceRecord? {
        try await read { db in try SourceRecord.fetchOne(db, key: 1) }
    }

    public func pipelines() async throws(StoreError) -> [PipelineRecord] {
        try await read { db in try PipelineRecord.order(Column("name")).fetchAll(db) }
    }

    public func pipelines(named names: [String]) async throws(StoreError) -> [PipelineRecord] {
        try await read { db in try Self.pipelines(db, named: names) }
    }

    public func activePipelineCount() async throws(StoreError) -> Int {
        try await read { db in try PipelineRecord.filter(Column("state") == PipelineState.active.rawValue).fetchCount(db) }
    }

    public func version(id: Int64) async throws(StoreError) -> PipelineVersion? {
        try await read { db in try PipelineVersion.fetchOne(db, key: id) }
    }

    public func currentVersions(of names: [String]) async throws(StoreError) -> [PipelineVersion] {
        try await read { db in
            var versions: [PipelineVersion] = []
            for chunk in Self.chunks(names) {
                versions += try PipelineVersion.fetchAll(db, sql: """
                    SELECT v.* FROM pipeline_version v JOIN pipeline p ON p.currentVersionID = v.id
                    WHERE p.name IN (\(Self.placeholders(chunk.count)))
                    """, arguments: StatementArguments(chunk))
            }
            return versions.sorted { $0.pipeline < $1.pipeline }
        }
    }

    public func versions(of pipeline: String) async throws(StoreError) -> [PipelineVersion] {
        try await read { db in
            try PipelineVersion.filter(Column("pipeline") == pipeline).order(Column("number").desc).fetchAll(db)
        }
    }

    public func manifestIndex() async throws(StoreError) -> [ManifestIndexEntry] {
        try await read { db in try ManifestIndexEntry.order(Column("path")).fetchAll(db) }
    }

    public func manifestIndex(paths: [String]) async throws(StoreError) -> [ManifestIndexEntry] {
        try await read { db in
            var entries: [ManifestIndexEntry] = []
            for chunk in Self.chunks(paths) {
                entries += try ManifestIndexEntry.filter(chunk.contains(Column("path"))).fetchAll(db)
            }
            return entries.sorted { $0.path < $1.path }
        }
    }

    public func manifestIndex(pipelines: [String]) async throws(StoreError) -> [ManifestIndexEntry] {
        try await read { db in
            var entries: [ManifestIndexEntry] = []
            for chunk in Self.chunks(pipelines) {
                entries += try ManifestIndexEntry.filter(chunk.contains(Column("pipeline"))).fetchAll(db)
            }
            return entries.sorted { $0.path < $1.path }
        }
    }

    public func revisions(limit: Int) async throws(StoreError) -> [RevisionRecord] {
        try await read { db in try RevisionRecord.order(Column("id").desc).limit(limit).fetchAll(db) }
    }

    public func revisions(ids: [Int64]) async throws(StoreError) -> [RevisionRecord] {
        guard !ids.isEmpty else { return [] }
        return try await read { db in try RevisionRecord.filter(ids.contains(Column("id"))).fetchAll(db) }
    }

    public func auditEvents(_ query: AuditQuery) async throws(StoreError) -> [AuditEvent] {
        try await read { db in
            var request = AuditEvent.all()
            if let since = query.since { request = request.filter(Column("time") >= since) }
            if let pipeline = query.pipeline { request = request.filter(Column("pipeline") == pipeline) }
            if let email = query.authorEmail {
                request = request.filter(sql: "(authorEmail = ? COLLATE NOCASE OR mergedByEmail = ? COLLATE NOCASE)", arguments: [email, email])
            }
            request = request.order(Column("id").desc)
            if let limit = query.limit { request = request.limit(limit) }
            return try request.fetchAll(db)
        }
    }

    public func runs(of pipeline: String, limit: Int) async throws(StoreError) -> [RunRecord] {
        try await read { db in
            try RunRecord.filter(Column("pipeline") == pipeline).order(Column("scheduledAt").desc, Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    public func recentRuns(limit: Int) async throws(StoreError) -> [RunRecord] {
        try await read { db in try RunRecord.order(Column("id").desc).limit(limit).fetchAll(db) }
    }

    public func run(id: Int64) async throws(StoreError) -> RunRecord? {
        try await read { db in try RunRecord.fetchOne(db, key: id) }
    }

    public func attempts(ofRun runID: Int64) async throws(StoreError) -> [TaskAttemptRecord] {
        try await read { db in
            try TaskAttemptRecord.filter(Column("runID") == runID).order(Column("id")).fetchAll(db)
        }
    }

    public func cachedAttempt(pipeline: String, taskID: String, cacheKey: String, since: Date) async throws(StoreError) -> TaskAttemptRecord? {
        try await read { db in
            try TaskAttemptRecord.fetchOne(db, sql: """
                SELECT a.* FROM task_attempt a JOIN run r ON r.id = a.runID
                WHERE r.pipeline = ? AND a.taskID = ? AND a.cacheKey = ? AND a.state = 'succeeded' AND a.finishedAt >= ?
                ORDER BY a.finishedAt DESC LIMIT 1
                """, arguments: [pipeline, taskID, cacheKey, since])
        }
    }

    // MARK: Writes

    public func updateRun(_ run: RunRecord) async throws(StoreError) {
        try await writeNow { db in try Self.update(run, db) }
    }

    public func updateRun(id: Int64, _ change: @escaping @Sendable (inout RunRecord) -> Void) async throws(StoreError) -> RunRecord {
        try await updateRun(id: id, saving: [], change)
    }

    public func updateRun(id: Int64, saving attempts: [TaskAttemptRecord], _ change: @escaping @Sendable (inout RunRecord) -> Void) async throws(StoreError) -> RunRecord {
        try await writeNow { db in
            for attempt in attempts { try Self.update(attempt, db) }
            let find = try db.cachedStatement(sql: "SELECT * FROM run WHERE id = ?")
            guard var run = try RunRecord.fetchOne(find, arguments: [id]) else { throw StoreError(.notFound, "run \(id) does not exist") }
            change(&run)
            try Self.update(run, db)
            return run
        }
    }

    public func insertAttempt(_ attempt: TaskAttemptRecord) async throws(StoreError) -> TaskAttemptRecord {
        try await writeNow { db in
            let insert = try db.cachedStatement(sql: TaskAttemptRecord.table.insertSQL)
            try insert.execute(arguments: TaskAttemptRecord.table.arguments(attempt))
            var inserted = attempt
            inserted.id = db.lastInsertedRowID
            return inserted
        }
    }

    public func updateAttempt(_ attempt: TaskAttemptRecord) async throws(StoreError) {
        try await writeNow { db in try Self.update(attempt, db) }
    }

    public func createRun(_ run: RunRecord) async throws(StoreError) -> (run: RunRecord, created: Bool) {
        let result = try await writeNow { db in try Self.insertUnlessTaken(run, db) }
        return (result.run, result.created)
    }

    // The rows a run writes before and after every step go through cached statements with
    // dates formatted by `DatabaseDate`: GRDB's record machinery (a dictionary per row, a
    // `DateFormatter` per date, an existence check per update) cost several times the SQL.

    static func insertUnlessTaken(_ run: RunRecord, _ db: Database) throws -> RunRecordInsertion {
        if let slot = run.scheduledAt {
            let find = try db.cachedStatement(sql: "SELECT * FROM run WHERE pipeline = ? AND scheduledAt = ?")
            if let existing = try RunRecord.fetchOne(find, arguments: [run.pipeline, DatabaseDate.text(slot)]) {
                return RunRecordInsertion(run: existing, created: false)
            }
        }
        let insert = try db.cachedStatement(sql: RunRecord.table.insertSQL)
        try insert.execute(arguments: RunRecord.table.arguments(run))
        var inserted = run
        inserted.id = db.lastInsertedRowID
        return RunRecordInsertion(run: inserted, created: true)
    }

    static func update(_ run: RunRecord, _ db: Database) throws {
        guard let id = run.id else { throw StoreError(.notFound, "run without id does not exist") }
        let update = try db.cachedStatement(sql: RunRecord.table.updateSQL)
        try update.execute(arguments: RunRecord.table.arguments(run, id: id))
        if db.changesCount == 0 { throw StoreError(.notFound, "run \(id) does not exist") }
    }

    static func update(_ attempt: TaskAttemptRecord, _ db: Database) throws {
        guard let id = attempt.id else { throw StoreError(.notFound, "attempt without id does not exist") }
        let update = try db.cachedStatement(sql: TaskAttemptRecord.table.updateSQL)
        try update.execute(arguments: TaskAttemptRecord.table.arguments(attempt, id: id))
        if db.changesCount == 0 { throw StoreError(.notFound, "attempt \(id) does not exist") }
    }

    // MARK: The daemon

    public func createRuns(_ runs: [RunRecord]) async throws(StoreError) -> [(run: RunRecord, created: Bool)] {
        let results = try await write { db -> [RunRecordInsertion] in
            try runs.map { run in try Self.insertUnlessTaken(run, db) }
        }
        return results.map { ($0.run, $0.created) }
    }

    public func lastSlots() async throws(StoreError) -> [String: Date] {
        try await datesByPipeline(of: "run", "SELECT pipeline, MAX(scheduledAt) AS time FROM run WHERE scheduledAt IS NOT NULL GROUP BY pipeline")
    }

    /// A `pipeline, time` query as a dictionary.
    private func datesByPipeline(of table: String, _ sql: String) async throws(StoreError) -> [String: Date] {
        try await read { db in
            var times: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: sql) {
                if let time: Date = try row.value("time", of: table) { times[try row.value("pipeline", of: table)] = time }
            }
            return times
        }
    }

    public func runs(inStates states: [RunRecord.State]) async throws(StoreError) -> [RunRecord] {
        try await read { db in
            try RunRecord.filter(states.map(\.rawValue).contains(Column("state"))).order(Column("id")).fetchAll(db)
        }
    }

    public func pruneRuns(of pipeline: String, keep: Int) async throws(StoreError) -> [RunRecord] {
        try await write { db in
            let doomed = try RunRecord.fetchAll(db, sql: """
                SELECT * FROM run WHERE pipeline = ? AND state NOT IN ('queued', 'running')
                  AND id NOT IN (SELECT id FROM run WHERE pipeline = ? ORDER BY id DESC LIMIT ?)
                """, arguments: [pipeline, pipeline, max(0, keep)])
            guard !doomed.isEmpty else { return [] }
            let ids = doomed.compactMap(\.id)
            // A run that a kept run resumes keeps its link readable as "a pruned run".
            try db.execute(sql: "UPDATE run SET retryOf = NULL WHERE retryOf IN (\(Self.placeholders(ids.count)))", arguments: StatementArguments(ids))
            try db.execute(sql: "DELETE FROM run WHERE id IN (\(Self.placeholders(ids.count)))", arguments: StatementArguments(ids))
            return doomed
        }
    }

    public func resumeTimes() async throws(StoreError) -> [String: Date] {
        try await datesByPipeline(of: "audit_event", "SELECT pipeline, MAX(time) AS time FROM audit_event WHERE action = 'resume' GROUP BY pipeline")
    }

    public func overrides() async throws(StoreError) -> [PipelineOverride] {
        try await read { db in try PipelineOverride.order(Column("pipeline")).fetchAll(db) }
    }

    public func setOverride(pipeline: String, _ override: PipelineOverride?, event: AuditEvent) async throws(StoreError) {
        try await write { db in
            if let override {
                try override.save(db)
            } else {
                _ = try PipelineOverride.deleteOne(db, key: pipeline)
            }
            var event = event
            try event.insert(db)
        }
    }

    public func daemon() async throws(StoreError) -> DaemonRecord? {
        try await read { db in try DaemonRecord.fetchOne(db, key: 1) }
    }

    public func saveDaemon(_ record: DaemonRecord) async throws(StoreError) {
        try await write { db in try record.save(db) }
    }

    @discardableResult
    public func apply(_ write: RevisionWrite) async throws(StoreError) -> RevisionRecord? {
        try await self.write { db in try Self.apply(write, in: db) }
    }

    static func apply(_ write: RevisionWrite, in db: Database) throws -> RevisionRecord? {
        let current = try SourceRecord.fetchOne(db, key: 1)
        if current?.lastAppliedCommit != write.expectedLastApplied {
            throw StoreError(.conflict, "the applied commit moved to \(current?.lastAppliedCommit ?? "none") while this pass planned against \(write.expectedLastApplied ?? "none"); run the pass again")
        }
        var revision = write.revision
        if revision != nil { try revision!.insert(db) }
        precondition(write.versions.isEmpty || revision != nil, "versions need a revision")

        if !write.versions.isEmpty {
            let names = write.versions.map(\.pipeline)
            var heads: [String: PipelineRecord] = [:]
            for pipeline in try pipelines(db, named: names) { heads[pipeline.name] = pipeline }
            // Prepared once per transaction: a cold pass writes tens of thousands of rows, and
            // building a record container per row cost more than SQLite's own work.
            let insertVersion = try db.cachedStatement(sql: """
                INSERT INTO pipeline_version (pipeline, number, changeKind, spec, specHash, commitID, authorName, authorEmail,
                  authorTime, committerName, committerEmail, commitTime, subject, revisionCommit, treeID, filePath, blobID,
                  mergeCommit, mergedByName, mergedByEmail, changes, revisionID, appliedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let upsertPipeline = try db.cachedStatement(sql: """
                INSERT INTO pipeline (name, state, currentVersionID, version, specHash, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET state = excluded.state, currentVersionID = excluded.currentVersionID,
                  version = excluded.version, specHash = excluded.specHash, updatedAt = excluded.updatedAt
                """)
            let insertEvent = try db.cachedStatement(sql: """
                INSERT INTO audit_event (time, pipeline, action, changedFields, commitID, authorName, authorEmail, mergeCommit,
                  mergedByName, mergedByEmail, revisionID, versionID)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // Dates go through GRDB's shared DateFormatter, which costs more than the insert;
            // a pass has few distinct ones (one apply time, a commit time per commit).
            var dates: [Date: DatabaseValue] = [:]
            func date(_ value: Date) -> DatabaseValue {
                if let known = dates[value] { return known }
                // Through `DatabaseDate`: clamped into the years GRDB can read back.
                let converted = DatabaseDate.text(value).databaseValue
                dates[value] = converted
                return converted
            }
            for version in write.versions {
                let head = heads[version.pipeline]
                let number = (head?.version ?? 0) + 1
                let commit = version.commit
                try insertVersion.execute(arguments: [
                    version.pipeline, number, version.changeKind.rawValue, version.spec, version.specHash, commit.id,
                    commit.author.name, commit.author.email, date(commit.authorTime), commit.committer.name, commit.committer.email,
                    date(commit.commitTime), commit.subject, version.revisionCommit, version.treeID, version.filePath, version.blobID,
                    version.mergeCommit, version.mergedBy?.name, version.mergedBy?.email, JSONColumn.encode(version.changes),
                    revision?.id, date(version.appliedAt),
                ])
                let versionID = db.lastInsertedRowID
                let record = PipelineRecord(
                    name: version.pipeline, state: version.changeKind == .retire ? .retired : .active,
                    currentVersionID: versionID, version: number, specHash: version.specHash,
                    createdAt: head?.createdAt ?? version.appliedAt, updatedAt: version.appliedAt)
                try upsertPipeline.execute(arguments: [
                    record.name, record.state.rawValue, record.currentVersionID, record.version, record.specHash,
                    date(record.createdAt), date(record.updatedAt),
                ])
                heads[version.pipeline] = record
                try insertEvent.execute(arguments: [
                    date(version.appliedAt), version.pipeline, version.changeKind.rawValue, JSONColumn.encode(version.changes.map(\.pointer)),
                    commit.id, commit.author.name, commit.author.email, version.mergeCommit, version.mergedBy?.name,
                    version.mergedBy?.email, revision?.id, versionID,
                ])
            }
        }

        if write.replaceIndex { try ManifestIndexEntry.deleteAll(db) }
        for chunk in chunks(write.indexDeletions) {
            try ManifestIndexEntry.filter(chunk.contains(Column("path"))).deleteAll(db)
        }
        if !write.indexUpserts.isEmpty {
            let upsert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO manifest_file (path, blobID, pipeline, linked) VALUES (?, ?, ?, ?)")
            for entry in write.indexUpserts { try upsert.execute(arguments: [entry.path, entry.blobID, entry.pipeline, entry.linked]) }
        }
        try write.source.save(db)
        return revision
    }

    // MARK: Plumbing

    static func pipelines(_ db: Database, named names: [String]) throws -> [PipelineRecord] {
        var records: [PipelineRecord] = []
        for chunk in chunks(names) {
            records += try PipelineRecord.filter(chunk.contains(Column("name"))).fetchAll(db)
        }
        return records.sorted { $0.name < $1.name }
    }

    /// SQLite limits the parameters of one statement; large `IN` lists go in pieces.
    static func chunks(_ values: [String]) -> [ArraySlice<String>] {
        stride(from: 0, to: values.count, by: 900).map { values[$0..<min($0 + 900, values.count)] }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    // Reads and writes go through GRDB's callback forms, bridged by a continuation, rather
    // than its `async` ones, which give up when the calling task is cancelled: a cancelled or
    // timed-out run must still record how it ended.

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        let path = path
        if BlockingReadThread.isCurrent {
            do { return try Self.readInPlace(pool, body) } catch { throw Self.storeError(error, path: path) }
        }
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            pool.asyncRead { database in
                do {
                    continuation.resume(returning: .success(try body(try database.get())))
                } catch {
                    continuation.resume(returning: .failure(Self.storeError(error, path: path)))
                }
            }
        }
        return try result.get()
    }

    /// GRDB's blocking read, on the calling thread (see `BlockingReadThread`).
    private static func readInPlace<T>(_ reader: some DatabaseReader, _ body: (Database) throws -> T) throws -> T {
        try reader.read(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        let path = path
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            pool.asyncWrite(body) { _, outcome in
                continuation.resume(returning: outcome.mapError { Self.storeError($0, path: path) })
            }
        }
        return try result.get()
    }

    /// A write for the small rows a run writes before and after each step (a run, an
    /// attempt), through `GroupCommit`: committed together with the others when many runs
    /// write at once, on a thread of its own (never on the calling task's, which belongs to
    /// Swift's cooperative pool). Large writes (`apply`) go through GRDB's writer queue.
    func writeNow<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await group.write(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    static func storeError(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        return StoreError(.database, "\(path): \(describe(error))")
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
        return "\(error)"
    }
}

/// A `createRuns` result row, `Sendable` across the writer queue.
struct RunRecordInsertion: Sendable {
    var run: RunRecord
    var created: Bool
}
