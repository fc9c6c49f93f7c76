import BatonManifest
import Foundation
import GRDB

// How each record maps to its table's columns. Kept by hand rather than through `Codable`
// so that nested values the audit queries filter on (an author's e-mail) are real columns,
// and only lists (diagnostics, changed fields) are stored as JSON text.

/// Columns read without GRDB's row subscripts, which trap (`try!`) on a value they cannot
/// decode: a stored value that is not what its column should hold becomes a `StoreError`
/// naming the table and column, and `status` or a starting daemon report it instead of
/// crashing at every start.
extension Row {
    func value<Value: DatabaseValueConvertible>(_ column: String, of table: String) throws(StoreError) -> Value {
        do {
            return try decode(Value.self, forColumn: column)
        } catch {
            throw StoreError(.unreadable, "the \(table) row's \(column) holds \(shown(column)), which this Baton cannot read as a \(Value.self)")
        }
    }

    /// A required date, clamped into the years 0001–9999 (see `DatabaseDate`).
    func value(_ column: String, of table: String) throws(StoreError) -> Date {
        guard let date: Date = try value(column, of: table) else {
            throw StoreError(.unreadable, "the \(table) row's \(column) is empty, where a date is required")
        }
        return date
    }

    /// An optional date, clamped into the years 0001–9999; a value that is not a date is a
    /// `StoreError`, never a trap and never silently nil.
    func value(_ column: String, of table: String) throws(StoreError) -> Date? {
        // One lookup, and a DatabaseValue never fails to convert: nil when there is no such column.
        guard let stored = self[column] as DatabaseValue?, !stored.isNull else { return nil }
        guard let date = DatabaseDate.date(stored) else {
            throw StoreError(.unreadable, "the \(table) row's \(column) holds \(shown(column)), which is not a date (yyyy-MM-dd HH:mm:ss.SSS, UTC); correct or clear it with sqlite3")
        }
        return date
    }

    /// The raw value of a column; nil when the row has no such column.
    private func stored(_ column: String) -> DatabaseValue? {
        guard hasColumn(column) else { return nil }
        do { return try decode(DatabaseValue.self, forColumn: column) } catch { return nil }
    }

    /// The stored value as a short quoted text, for the messages above.
    private func shown(_ column: String) -> String {
        guard let stored = stored(column) else { return "nothing (no such column)" }
        if stored.isNull { return "NULL" }
        let text = String.fromDatabaseValue(stored) ?? "\(stored)"
        return "\"\(text.count > 40 ? text.prefix(40) + "…" : Substring(text))\""
    }
}

enum JSONColumn {
    static func encode<T: Encodable & Collection>(_ value: T) -> String {
        // Most rows carry an empty list; JSONEncoder costs more than the row's insert.
        if value.isEmpty { return value is [String: String] ? "{}" : "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?, default fallback: T) -> T {
        guard let text else { return fallback }
        // Most rows carry an empty list or map; JSONDecoder costs more than reading the row.
        if text == "{}", let empty = [String: String]() as? T { return empty }
        if text == "[]", let empty = [String]() as? T { return empty }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode(type, from: Data(text.utf8))) ?? fallback
    }
}

extension Person {
    static func from(_ row: Row, name: String, email: String, of table: String) throws(StoreError) -> Person? {
        guard let personName: String = try row.value(name, of: table) else { return nil }
        return Person(name: personName, email: (try row.value(email, of: table) as String?) ?? "")
    }
}

extension CommitStamp {
    init(row: Row, of table: String) throws(StoreError) {
        self.init(
            id: try row.value("commitID", of: table),
            author: Person(name: try row.value("authorName", of: table), email: try row.value("authorEmail", of: table)),
            authorTime: try row.value("authorTime", of: table),
            committer: Person(name: try row.value("committerName", of: table), email: try row.value("committerEmail", of: table)),
            commitTime: try row.value("commitTime", of: table),
            subject: try row.value("subject", of: table))
    }

    func encode(to container: inout PersistenceContainer) {
        container["commitID"] = id
        container["authorName"] = author.name
        container["authorEmail"] = author.email
        container["authorTime"] = DatabaseDate.text(authorTime)
        container["committerName"] = committer.name
        container["committerEmail"] = committer.email
        container["commitTime"] = DatabaseDate.text(commitTime)
        container["subject"] = subject
    }
}

extension SourceRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "source" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(url: try row.value("url", of: table), ref: try row.value("ref", of: table), path: try row.value("path", of: table), rulesVersion: try row.value("rulesVersion", of: table))
        lastFetchedCommit = try row.value("lastFetchedCommit", of: table)
        lastFetchedAt = try row.value("lastFetchedAt", of: table)
        lastAppliedCommit = try row.value("lastAppliedCommit", of: table)
        lastAppliedAt = try row.value("lastAppliedAt", of: table)
        lastAttemptedCommit = try row.value("lastAttemptedCommit", of: table)
        lastAttemptedAt = try row.value("lastAttemptedAt", of: table)
        lastAttemptOutcome = try row.value("lastAttemptOutcome", of: table)
        lastAttemptAuthor = try Person.from(row, name: "lastAttemptAuthorName", email: "lastAttemptAuthorEmail", of: table)
        lastAttemptDiagnostics = JSONColumn.decode([Diagnostic].self, try row.value("lastAttemptDiagnostics", of: table), default: [])
        lastError = try row.value("lastError", of: table)
        lastErrorAt = try row.value("lastErrorAt", of: table)
        lastErrorTransient = try row.value("lastErrorTransient", of: table)
        consecutiveFailures = try row.value("consecutiveFailures", of: table)
        verification = try row.value("verification", of: table)
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = 1
        container["url"] = url
        container["ref"] = ref
        container["path"] = path
        container["lastFetchedCommit"] = lastFetchedCommit
        container["lastFetchedAt"] = DatabaseDate.text(lastFetchedAt)
        container["lastAppliedCommit"] = lastAppliedCommit
        container["lastAppliedAt"] = DatabaseDate.text(lastAppliedAt)
        container["lastAttemptedCommit"] = lastAttemptedCommit
        container["lastAttemptedAt"] = DatabaseDate.text(lastAttemptedAt)
        container["lastAttemptOutcome"] = lastAttemptOutcome?.rawValue
        container["lastAttemptAuthorName"] = lastAttemptAuthor?.name
        container["lastAttemptAuthorEmail"] = lastAttemptAuthor?.email
        container["lastAttemptDiagnostics"] = JSONColumn.encode(lastAttemptDiagnostics)
        container["lastError"] = lastError
        container["lastErrorAt"] = DatabaseDate.text(lastErrorAt)
        container["lastErrorTransient"] = lastErrorTransient
        container["consecutiveFailures"] = consecutiveFailures
        container["rulesVersion"] = rulesVersion
        container["verification"] = verification
    }
}

extension RevisionRecord: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "revision" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(
            id: try row.value("id", of: table),
            commit: try CommitStamp(row: row, of: table),
            outcome: try row.value("outcome", of: table),
            movement: try row.value("movement", of: table),
            summary: PlanSummary(creates: try row.value("creates", of: table), updates: try row.value("updates", of: table), retires: try row.value("retires", of: table), revives: try row.value("revives", of: table), unchanged: try row.value("unchanged", of: table)),
            diagnostics: JSONColumn.decode([Diagnostic].self, try row.value("diagnostics", of: table), default: []),
            recordedAt: try row.value("recordedAt", of: table),
            signer: try CommitSigner(row: row, of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        commit.encode(to: &container)
        container["outcome"] = outcome.rawValue
        container["movement"] = movement.rawValue
        container["creates"] = summary.creates
        container["updates"] = summary.updates
        container["retires"] = summary.retires
        container["revives"] = summary.revives
        container["unchanged"] = summary.unchanged
        container["diagnostics"] = JSONColumn.encode(diagnostics)
        container["recordedAt"] = DatabaseDate.text(recordedAt)
        // Revisions are written once and never updated: an unsigned one leaves the columns
        // out (NULL), as a revision written before they existed has them.
        if let signer {
            container["signerMethod"] = signer.method.rawValue
            container["signerIdentity"] = signer.identity
            container["signerKey"] = signer.key
        }
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension PipelineRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "pipeline" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(
            name: try row.value("name", of: table), state: try row.value("state", of: table),
            currentVersionID: try row.value("currentVersionID", of: table), version: try row.value("version", of: table), specHash: try row.value("specHash", of: table),
            createdAt: try row.value("createdAt", of: table), updatedAt: try row.value("updatedAt", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["name"] = name
        container["state"] = state.rawValue
        container["currentVersionID"] = currentVersionID
        container["version"] = version
        container["specHash"] = specHash
        container["createdAt"] = DatabaseDate.text(createdAt)
        container["updatedAt"] = DatabaseDate.text(updatedAt)
    }
}

extension PipelineVersion: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "pipeline_version" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(
            id: try row.value("id", of: table), pipeline: try row.value("pipeline", of: table), number: try row.value("number", of: table),
            changeKind: try row.value("changeKind", of: table),
            spec: try row.value("spec", of: table), specHash: try row.value("specHash", of: table), commit: try CommitStamp(row: row, of: table),
            revisionCommit: try row.value("revisionCommit", of: table), treeID: try row.value("treeID", of: table), filePath: try row.value("filePath", of: table), blobID: try row.value("blobID", of: table),
            mergeCommit: try row.value("mergeCommit", of: table), mergedBy: try Person.from(row, name: "mergedByName", email: "mergedByEmail", of: table),
            changes: JSONColumn.decode([FieldChange].self, try row.value("changes", of: table), default: []),
            revisionID: try row.value("revisionID", of: table), appliedAt: try row.value("appliedAt", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["pipeline"] = pipeline
        container["number"] = number
        container["changeKind"] = changeKind.rawValue
        container["spec"] = spec
        container["specHash"] = specHash
        commit.encode(to: &container)
        container["revisionCommit"] = revisionCommit
        container["treeID"] = treeID
        container["filePath"] = filePath
        container["blobID"] = blobID
        container["mergeCommit"] = mergeCommit
        container["mergedByName"] = mergedBy?.name
        container["mergedByEmail"] = mergedBy?.email
        container["changes"] = JSONColumn.encode(changes)
        container["revisionID"] = revisionID
        container["appliedAt"] = DatabaseDate.text(appliedAt)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AuditEvent: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "audit_event" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(
            id: try row.value("id", of: table), time: try row.value("time", of: table), pipeline: try row.value("pipeline", of: table), action: try row.value("action", of: table),
            changedFields: JSONColumn.decode([String].self, try row.value("changedFields", of: table), default: []),
            commit: try row.value("commitID", of: table), author: try Person.from(row, name: "authorName", email: "authorEmail", of: table),
            mergeCommit: try row.value("mergeCommit", of: table), mergedBy: try Person.from(row, name: "mergedByName", email: "mergedByEmail", of: table),
            actor: try row.value("actor", of: table), message: try row.value("message", of: table), revisionID: try row.value("revisionID", of: table), versionID: try row.value("versionID", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["time"] = DatabaseDate.text(self.time)
        container["pipeline"] = pipeline
        container["action"] = action
        container["changedFields"] = JSONColumn.encode(changedFields)
        container["commitID"] = commit
        container["authorName"] = author?.name
        container["authorEmail"] = author?.email
        container["mergeCommit"] = mergeCommit
        container["mergedByName"] = mergedBy?.name
        container["mergedByEmail"] = mergedBy?.email
        container["actor"] = actor
        container["message"] = message
        container["revisionID"] = revisionID
        container["versionID"] = versionID
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ManifestIndexEntry: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "manifest_file" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(path: try row.value("path", of: table), blobID: try row.value("blobID", of: table), pipeline: try row.value("pipeline", of: table),
                  linked: try row.value("linked", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["path"] = path
        container["blobID"] = blobID
        container["pipeline"] = pipeline
        container["linked"] = linked
    }
}

/// Read from their raw text; a value this Baton does not know is an unreadable row
/// (`Row.value(_:of:)`), not a guess.
extension RunRecord.State: DatabaseValueConvertible {}
extension RunRecord.Trigger: DatabaseValueConvertible {}
extension TaskState: DatabaseValueConvertible {}
extension PipelineState: DatabaseValueConvertible {}
extension ChangeKind: DatabaseValueConvertible {}
extension RevisionOutcome: DatabaseValueConvertible {}
extension CommitSigner.Method: DatabaseValueConvertible {}

extension CommitSigner {
    /// The signer columns of a revision row; nil when the commit was not verified.
    init?(row: Row, of table: String) throws(StoreError) {
        guard let method: Method = try row.value("signerMethod", of: table) else { return nil }
        self.init(method: method, identity: try row.value("signerIdentity", of: table) ?? "", key: try row.value("signerKey", of: table) ?? "")
    }
}
extension RevisionMovement: DatabaseValueConvertible {}

extension RunRecord: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "run" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(
            id: try row.value("id", of: table), pipeline: try row.value("pipeline", of: table), versionID: try row.value("versionID", of: table), scheduledAt: try row.value("scheduledAt", of: table),
            trigger: try row.value("trigger", of: table), state: try row.value("state", of: table),
            parameters: JSONColumn.decode([String: String].self, try row.value("parameters", of: table), default: [:]),
            createdAt: try row.value("createdAt", of: table), startedAt: try row.value("startedAt", of: table), finishedAt: try row.value("finishedAt", of: table), reason: try row.value("reason", of: table),
            retryOf: try row.value("retryOf", of: table), ownerPid: try row.value("ownerPid", of: table), ownerStartTime: try row.value("ownerStartTime", of: table),
            manifestPath: try row.value("manifestPath", of: table), taskSpecHashes: JSONColumn.decode([String: String].self, try row.value("taskSpecHashes", of: table), default: [:]),
            requestedBy: try row.value("requestedBy", of: table), backfillID: try row.value("backfillID", of: table),
            upstreamRunID: try row.value("upstreamRunID", of: table), upstreamPipeline: try row.value("upstreamPipeline", of: table),
            triggerKey: try row.value("triggerKey", of: table), dependentsFired: try row.value("dependentsFired", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        Self.table.encode(self, id: id, to: &container)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// What a run writes, column by column: the hand-written statements of the hot path (a
    /// run's rows are written before and after every step) and GRDB's persistence use it.
    static let table = ColumnTable<RunRecord>("run", [
        .init("pipeline") { $0.pipeline },
        .init("versionID") { $0.versionID },
        .init("scheduledAt") { DatabaseDate.text($0.scheduledAt) },
        .init("trigger") { $0.trigger.rawValue },
        .init("state") { $0.state.rawValue },
        .init("parameters") { JSONColumn.encode($0.parameters) },
        .init("createdAt") { DatabaseDate.text($0.createdAt) },
        .init("startedAt") { DatabaseDate.text($0.startedAt) },
        .init("finishedAt") { DatabaseDate.text($0.finishedAt) },
        .init("reason") { $0.reason },
        .init("retryOf") { $0.retryOf },
        .init("ownerPid") { $0.ownerPid },
        .init("ownerStartTime") { $0.ownerStartTime },
        .init("manifestPath") { $0.manifestPath },
        .init("taskSpecHashes") { JSONColumn.encode($0.taskSpecHashes) },
        .init("requestedBy") { $0.requestedBy },
        .init("backfillID") { $0.backfillID },
        .init("upstreamRunID") { $0.upstreamRunID },
        .init("upstreamPipeline") { $0.upstreamPipeline },
        .init("triggerKey") { $0.triggerKey },
        .init("dependentsFired") { $0.dependentsFired },
    ])
}

extension BackfillRecord.State: DatabaseValueConvertible {}

extension BackfillRecord: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "backfill" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(
            id: try row.value("id", of: table), pipeline: try row.value("pipeline", of: table), versionID: try row.value("versionID", of: table),
            from: try row.value("fromTime", of: table), to: try row.value("toTime", of: table), maxParallel: try row.value("maxParallel", of: table),
            state: try row.value("state", of: table), requestedBy: try row.value("requestedBy", of: table), createdAt: try row.value("createdAt", of: table),
            finishedAt: try row.value("finishedAt", of: table), slotCount: try row.value("slotCount", of: table),
            skippedCount: try row.value("skippedCount", of: table), reason: try row.value("reason", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["pipeline"] = pipeline
        container["versionID"] = versionID
        container["fromTime"] = DatabaseDate.text(from)
        container["toTime"] = DatabaseDate.text(to)
        container["maxParallel"] = maxParallel
        container["state"] = state.rawValue
        container["requestedBy"] = requestedBy
        container["createdAt"] = DatabaseDate.text(createdAt)
        container["finishedAt"] = DatabaseDate.text(finishedAt)
        container["slotCount"] = slotCount
        container["skippedCount"] = skippedCount
        container["reason"] = reason
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TaskAttemptRecord: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "task_attempt" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(
            id: try row.value("id", of: table), runID: try row.value("runID", of: table), taskID: try row.value("taskID", of: table), attempt: try row.value("attempt", of: table), state: try row.value("state", of: table),
            startedAt: try row.value("startedAt", of: table), finishedAt: try row.value("finishedAt", of: table), exitCode: try row.value("exitCode", of: table), signal: try row.value("signal", of: table),
            reason: try row.value("reason", of: table), outputs: JSONColumn.decode([String: String].self, try row.value("outputs", of: table), default: [:]),
            logPath: try row.value("logPath", of: table), pid: try row.value("pid", of: table), processStartTime: try row.value("processStartTime", of: table), cacheKey: try row.value("cacheKey", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        Self.table.encode(self, id: id, to: &container)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// What an attempt writes, column by column (see `RunRecord.table`).
    static let table = ColumnTable<TaskAttemptRecord>("task_attempt", [
        .init("runID") { $0.runID },
        .init("taskID") { $0.taskID },
        .init("attempt") { $0.attempt },
        .init("state") { $0.state.rawValue },
        .init("startedAt") { DatabaseDate.text($0.startedAt) },
        .init("finishedAt") { DatabaseDate.text($0.finishedAt) },
        .init("exitCode") { $0.exitCode },
        .init("signal") { $0.signal },
        .init("reason") { $0.reason },
        .init("outputs") { JSONColumn.encode($0.outputs) },
        .init("logPath") { $0.logPath },
        .init("pid") { $0.pid },
        .init("processStartTime") { $0.processStartTime },
        .init("cacheKey") { $0.cacheKey },
    ])
}

extension PipelineOverride: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "pipeline_override" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(pipeline: try row.value("pipeline", of: table), reason: try row.value("reason", of: table), actor: try row.value("actor", of: table), since: try row.value("since", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["pipeline"] = pipeline
        container["reason"] = reason
        container["actor"] = actor
        container["since"] = DatabaseDate.text(since)
    }
}

extension DaemonRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "daemon" }

    public init(row: Row) throws(StoreError) {
        let table = Self.databaseTableName
        self.init(
            pid: try row.value("pid", of: table), processStartTime: try row.value("processStartTime", of: table), startedAt: try row.value("startedAt", of: table), stoppedAt: try row.value("stoppedAt", of: table),
            interval: try row.value("interval", of: table), reconcileCount: try row.value("reconcileCount", of: table), lastReconcileAt: try row.value("lastReconcileAt", of: table),
            lastReconcile: try ReconcilePass.column(try row.value("lastReconcile", of: table)),
            nextReconcileAt: try row.value("nextReconcileAt", of: table), sourceFailures: try row.value("sourceFailures", of: table), sourceError: try row.value("sourceError", of: table))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = 1
        container["pid"] = pid
        container["processStartTime"] = processStartTime
        container["startedAt"] = DatabaseDate.text(startedAt)
        container["stoppedAt"] = DatabaseDate.text(stoppedAt)
        container["interval"] = interval
        container["reconcileCount"] = reconcileCount
        container["lastReconcileAt"] = DatabaseDate.text(lastReconcileAt)
        container["lastReconcile"] = lastReconcile.map(ReconcilePass.columnText)
        container["nextReconcileAt"] = DatabaseDate.text(nextReconcileAt)
        container["sourceFailures"] = sourceFailures
        container["sourceError"] = sourceError
    }
}

extension ReconcilePass {
    /// The stored JSON of a pass; nil when none is stored. A value that does not decode is
    /// an unreadable row (edited by hand or damaged), never silently no pass.
    static func column(_ text: String?) throws(StoreError) -> ReconcilePass? {
        guard let text else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(ReconcilePass.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.unreadable, "the daemon row's lastReconcile holds JSON this Baton cannot read as a reconcile pass: \(error)")
        }
    }

    static func columnText(_ pass: ReconcilePass) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding plain strings, numbers and dates cannot fail.
        return String(decoding: (try? encoder.encode(pass)) ?? Data("null".utf8), as: UTF8.self)
    }
}
