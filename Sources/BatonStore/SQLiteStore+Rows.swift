import BatonManifest
import Foundation
import GRDB

// How each record maps to its table's columns. Kept by hand rather than through `Codable`
// so that nested values the audit queries filter on (an author's e-mail) are real columns,
// and only lists (diagnostics, changed fields) are stored as JSON text.

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
    static func from(_ row: Row, name: String, email: String) -> Person? {
        guard let personName: String = row[name] else { return nil }
        return Person(name: personName, email: row[email] ?? "")
    }
}

extension CommitStamp {
    init(row: Row) {
        self.init(
            id: row["commitID"],
            author: Person(name: row["authorName"], email: row["authorEmail"]),
            authorTime: row["authorTime"],
            committer: Person(name: row["committerName"], email: row["committerEmail"]),
            commitTime: row["commitTime"],
            subject: row["subject"])
    }

    func encode(to container: inout PersistenceContainer) {
        container["commitID"] = id
        container["authorName"] = author.name
        container["authorEmail"] = author.email
        container["authorTime"] = authorTime
        container["committerName"] = committer.name
        container["committerEmail"] = committer.email
        container["commitTime"] = commitTime
        container["subject"] = subject
    }
}

extension SourceRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "source" }

    public init(row: Row) {
        self.init(url: row["url"], ref: row["ref"], path: row["path"], rulesVersion: row["rulesVersion"])
        lastFetchedCommit = row["lastFetchedCommit"]
        lastFetchedAt = row["lastFetchedAt"]
        lastAppliedCommit = row["lastAppliedCommit"]
        lastAppliedAt = row["lastAppliedAt"]
        lastAttemptedCommit = row["lastAttemptedCommit"]
        lastAttemptedAt = row["lastAttemptedAt"]
        lastAttemptOutcome = (row["lastAttemptOutcome"] as String?).flatMap(RevisionOutcome.init(rawValue:))
        lastAttemptAuthor = Person.from(row, name: "lastAttemptAuthorName", email: "lastAttemptAuthorEmail")
        lastAttemptDiagnostics = JSONColumn.decode([Diagnostic].self, row["lastAttemptDiagnostics"], default: [])
        lastError = row["lastError"]
        lastErrorAt = row["lastErrorAt"]
        lastErrorTransient = row["lastErrorTransient"]
        consecutiveFailures = row["consecutiveFailures"]
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = 1
        container["url"] = url
        container["ref"] = ref
        container["path"] = path
        container["lastFetchedCommit"] = lastFetchedCommit
        container["lastFetchedAt"] = lastFetchedAt
        container["lastAppliedCommit"] = lastAppliedCommit
        container["lastAppliedAt"] = lastAppliedAt
        container["lastAttemptedCommit"] = lastAttemptedCommit
        container["lastAttemptedAt"] = lastAttemptedAt
        container["lastAttemptOutcome"] = lastAttemptOutcome?.rawValue
        container["lastAttemptAuthorName"] = lastAttemptAuthor?.name
        container["lastAttemptAuthorEmail"] = lastAttemptAuthor?.email
        container["lastAttemptDiagnostics"] = JSONColumn.encode(lastAttemptDiagnostics)
        container["lastError"] = lastError
        container["lastErrorAt"] = lastErrorAt
        container["lastErrorTransient"] = lastErrorTransient
        container["consecutiveFailures"] = consecutiveFailures
        container["rulesVersion"] = rulesVersion
    }
}

extension RevisionRecord: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "revision" }

    public init(row: Row) {
        self.init(
            id: row["id"],
            commit: CommitStamp(row: row),
            outcome: RevisionOutcome(rawValue: row["outcome"]) ?? .rejected,
            movement: RevisionMovement(rawValue: row["movement"]) ?? .unrelated,
            summary: PlanSummary(creates: row["creates"], updates: row["updates"], retires: row["retires"], revives: row["revives"], unchanged: row["unchanged"]),
            diagnostics: JSONColumn.decode([Diagnostic].self, row["diagnostics"], default: []),
            recordedAt: row["recordedAt"])
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
        container["recordedAt"] = recordedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension PipelineRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "pipeline" }

    public init(row: Row) {
        self.init(
            name: row["name"], state: PipelineState(rawValue: row["state"]) ?? .retired,
            currentVersionID: row["currentVersionID"], version: row["version"], specHash: row["specHash"],
            createdAt: row["createdAt"], updatedAt: row["updatedAt"])
    }

    public func encode(to container: inout PersistenceContainer) {
        container["name"] = name
        container["state"] = state.rawValue
        container["currentVersionID"] = currentVersionID
        container["version"] = version
        container["specHash"] = specHash
        container["createdAt"] = createdAt
        container["updatedAt"] = updatedAt
    }
}

extension PipelineVersion: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "pipeline_version" }

    public init(row: Row) {
        self.init(
            id: row["id"], pipeline: row["pipeline"], number: row["number"],
            changeKind: ChangeKind(rawValue: row["changeKind"]) ?? .update,
            spec: row["spec"], specHash: row["specHash"], commit: CommitStamp(row: row),
            revisionCommit: row["revisionCommit"], treeID: row["treeID"], filePath: row["filePath"], blobID: row["blobID"],
            mergeCommit: row["mergeCommit"], mergedBy: Person.from(row, name: "mergedByName", email: "mergedByEmail"),
            changes: JSONColumn.decode([FieldChange].self, row["changes"], default: []),
            revisionID: row["revisionID"], appliedAt: row["appliedAt"])
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
        container["appliedAt"] = appliedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AuditEvent: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "audit_event" }

    public init(row: Row) {
        self.init(
            id: row["id"], time: row["time"], pipeline: row["pipeline"], action: row["action"],
            changedFields: JSONColumn.decode([String].self, row["changedFields"], default: []),
            commit: row["commitID"], author: Person.from(row, name: "authorName", email: "authorEmail"),
            mergeCommit: row["mergeCommit"], mergedBy: Person.from(row, name: "mergedByName", email: "mergedByEmail"),
            actor: row["actor"], message: row["message"], revisionID: row["revisionID"], versionID: row["versionID"])
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["time"] = time
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

    public init(row: Row) {
        self.init(path: row["path"], blobID: row["blobID"], pipeline: row["pipeline"])
    }

    public func encode(to container: inout PersistenceContainer) {
        container["path"] = path
        container["blobID"] = blobID
        container["pipeline"] = pipeline
    }
}

extension RunRecord: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "run" }

    public init(row: Row) {
        self.init(
            id: try row.value("id", of: table), pipeline: try row.value("pipeline", of: table), versionID: try row.value("versionID", of: table), scheduledAt: try row.value("scheduledAt", of: table),
            trigger: try row.value("trigger", of: table), state: State(rawValue: try row.value("state", of: table)) ?? .failed,
            parameters: JSONColumn.decode([String: String].self, try row.value("parameters", of: table), default: [:]),
            createdAt: try row.value("createdAt", of: table), startedAt: try row.value("startedAt", of: table), finishedAt: try row.value("finishedAt", of: table), reason: try row.value("reason", of: table),
            retryOf: try row.value("retryOf", of: table), ownerPid: try row.value("ownerPid", of: table), ownerStartTime: try row.value("ownerStartTime", of: table),
            manifestPath: try row.value("manifestPath", of: table), taskSpecHashes: JSONColumn.decode([String: String].self, try row.value("taskSpecHashes", of: table), default: [:]))
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["pipeline"] = pipeline
        container["versionID"] = versionID
        container["scheduledAt"] = scheduledAt
        container["trigger"] = trigger
        container["state"] = state.rawValue
        container["parameters"] = JSONColumn.encode(parameters)
        container["createdAt"] = createdAt
        container["startedAt"] = startedAt
        container["finishedAt"] = finishedAt
        container["reason"] = reason
        container["retryOf"] = retryOf
        container["ownerPid"] = ownerPid
        container["ownerStartTime"] = ownerStartTime
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The run's columns for the hand-written statements of the hot path (see
    /// `SQLiteStore+RunWrites.swift`), in `columns` order, id last.
    static let columns = "pipeline, versionID, scheduledAt, trigger, state, parameters, createdAt, startedAt, finishedAt, reason, retryOf, ownerPid, ownerStartTime, manifestPath, taskSpecHashes"
    var arguments: StatementArguments {
        [pipeline, versionID, DatabaseDate.text(scheduledAt), trigger, state.rawValue, JSONColumn.encode(parameters),
         DatabaseDate.text(createdAt), DatabaseDate.text(startedAt), DatabaseDate.text(finishedAt), reason, retryOf, ownerPid, ownerStartTime,
         manifestPath, JSONColumn.encode(taskSpecHashes)]
    }
}

extension TaskAttemptRecord: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "task_attempt" }

    public init(row: Row) {
        self.init(
            id: row["id"], runID: row["runID"], taskID: row["taskID"], attempt: row["attempt"], state: row["state"],
            startedAt: row["startedAt"], finishedAt: row["finishedAt"], exitCode: row["exitCode"], signal: row["signal"],
            reason: row["reason"], outputs: JSONColumn.decode([String: String].self, row["outputs"], default: [:]),
            logPath: row["logPath"], pid: row["pid"], processStartTime: row["processStartTime"], cacheKey: row["cacheKey"])
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["runID"] = runID
        container["taskID"] = taskID
        container["attempt"] = attempt
        container["state"] = state
        container["startedAt"] = startedAt
        container["finishedAt"] = finishedAt
        container["exitCode"] = exitCode
        container["signal"] = signal
        container["reason"] = reason
        container["outputs"] = JSONColumn.encode(outputs)
        container["logPath"] = logPath
        container["pid"] = pid
        container["processStartTime"] = processStartTime
        container["cacheKey"] = cacheKey
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    static let columns = "runID, taskID, attempt, state, startedAt, finishedAt, exitCode, signal, reason, outputs, logPath, pid, processStartTime, cacheKey"
    var arguments: StatementArguments {
        [runID, taskID, attempt, state, DatabaseDate.text(startedAt), DatabaseDate.text(finishedAt), exitCode, signal, reason,
         JSONColumn.encode(outputs), logPath, pid, processStartTime, cacheKey]
    }
}

extension PipelineOverride: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "pipeline_override" }
        container["manifestPath"] = manifestPath
        container["taskSpecHashes"] = JSONColumn.encode(taskSpecHashes)

    public init(row: Row) {
        self.init(pipeline: row["pipeline"], reason: row["reason"], actor: row["actor"], since: row["since"])
    }

    public func encode(to container: inout PersistenceContainer) {
        container["pipeline"] = pipeline
        container["reason"] = reason
        container["actor"] = actor
        container["since"] = since
    }
}

extension DaemonRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "daemon" }

    public init(row: Row) {
        self.init(
            pid: row["pid"], processStartTime: row["processStartTime"], startedAt: row["startedAt"], stoppedAt: row["stoppedAt"],
            interval: row["interval"], reconcileCount: row["reconcileCount"], lastReconcileAt: row["lastReconcileAt"],
            lastReconcileSummary: row["lastReconcileSummary"], lastReconcileJSON: row["lastReconcileJSON"],
            nextReconcileAt: row["nextReconcileAt"], sourceFailures: row["sourceFailures"], sourceError: row["sourceError"])
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = 1
        container["pid"] = pid
        container["processStartTime"] = processStartTime
        container["startedAt"] = startedAt
        container["stoppedAt"] = stoppedAt
        container["interval"] = interval
        container["reconcileCount"] = reconcileCount
        container["lastReconcileAt"] = lastReconcileAt
        container["lastReconcileSummary"] = lastReconcileSummary
        container["lastReconcileJSON"] = lastReconcileJSON
        container["nextReconcileAt"] = nextReconcileAt
        container["sourceFailures"] = sourceFailures
        container["sourceError"] = sourceError
    }
}
