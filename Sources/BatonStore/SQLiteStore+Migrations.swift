import Foundation
import GRDB

extension SQLiteStore {
    /// The schema, as numbered migrations that only ever append.
    ///
    /// A released migration is never edited: a database made by any earlier Baton is brought
    /// forward by running the ones it lacks, in order, each in its own transaction. Versions
    /// and audit events are made immutable by triggers, so no later code path can rewrite
    /// history by mistake.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-revisions") { db in
            try db.execute(sql: """
                CREATE TABLE source (
                  id INTEGER PRIMARY KEY CHECK (id = 1),
                  url TEXT NOT NULL,
                  ref TEXT NOT NULL,
                  path TEXT NOT NULL,
                  lastFetchedCommit TEXT,
                  lastFetchedAt DATETIME,
                  lastAppliedCommit TEXT,
                  lastAppliedAt DATETIME,
                  lastAttemptedCommit TEXT,
                  lastAttemptedAt DATETIME,
                  lastAttemptOutcome TEXT,
                  lastAttemptAuthorName TEXT,
                  lastAttemptAuthorEmail TEXT,
                  lastAttemptDiagnostics TEXT NOT NULL DEFAULT '[]',
                  lastError TEXT,
                  lastErrorAt DATETIME,
                  lastErrorTransient BOOLEAN,
                  consecutiveFailures INTEGER NOT NULL DEFAULT 0,
                  rulesVersion INTEGER NOT NULL
                );
                CREATE TABLE revision (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  commitID TEXT NOT NULL,
                  authorName TEXT NOT NULL,
                  authorEmail TEXT NOT NULL,
                  authorTime DATETIME NOT NULL,
                  committerName TEXT NOT NULL,
                  committerEmail TEXT NOT NULL,
                  commitTime DATETIME NOT NULL,
                  subject TEXT NOT NULL,
                  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected', 'unchanged')),
                  movement TEXT NOT NULL,
                  creates INTEGER NOT NULL,
                  updates INTEGER NOT NULL,
                  retires INTEGER NOT NULL,
                  revives INTEGER NOT NULL,
                  unchanged INTEGER NOT NULL,
                  diagnostics TEXT NOT NULL,
                  recordedAt DATETIME NOT NULL
                );
                CREATE INDEX revision_commit ON revision(commitID);
                CREATE TABLE pipeline_version (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  pipeline TEXT NOT NULL,
                  number INTEGER NOT NULL,
                  changeKind TEXT NOT NULL CHECK (changeKind IN ('create', 'update', 'retire', 'revive')),
                  spec TEXT NOT NULL,
                  specHash TEXT NOT NULL,
                  commitID TEXT NOT NULL,
                  authorName TEXT NOT NULL,
                  authorEmail TEXT NOT NULL,
                  authorTime DATETIME NOT NULL,
                  committerName TEXT NOT NULL,
                  committerEmail TEXT NOT NULL,
                  commitTime DATETIME NOT NULL,
                  subject TEXT NOT NULL,
                  revisionCommit TEXT NOT NULL,
                  treeID TEXT NOT NULL,
                  filePath TEXT NOT NULL,
                  blobID TEXT NOT NULL,
                  mergeCommit TEXT,
                  mergedByName TEXT,
                  mergedByEmail TEXT,
                  changes TEXT NOT NULL,
                  revisionID INTEGER NOT NULL REFERENCES revision(id),
                  appliedAt DATETIME NOT NULL,
                  UNIQUE (pipeline, number)
                );
                CREATE TABLE pipeline (
                  name TEXT PRIMARY KEY,
                  state TEXT NOT NULL CHECK (state IN ('active', 'retired')),
                  currentVersionID INTEGER NOT NULL REFERENCES pipeline_version(id),
                  version INTEGER NOT NULL,
                  specHash TEXT NOT NULL,
                  createdAt DATETIME NOT NULL,
                  updatedAt DATETIME NOT NULL
                );
                CREATE TABLE audit_event (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  time DATETIME NOT NULL,
                  pipeline TEXT NOT NULL,
                  action TEXT NOT NULL,
                  changedFields TEXT NOT NULL,
                  commitID TEXT,
                  authorName TEXT,
                  authorEmail TEXT,
                  mergeCommit TEXT,
                  mergedByName TEXT,
                  mergedByEmail TEXT,
                  actor TEXT,
                  message TEXT,
                  revisionID INTEGER REFERENCES revision(id),
                  versionID INTEGER REFERENCES pipeline_version(id)
                );
                CREATE INDEX audit_event_pipeline ON audit_event(pipeline, time);
                CREATE INDEX audit_event_time ON audit_event(time);
                CREATE TABLE manifest_file (
                  path TEXT PRIMARY KEY,
                  blobID TEXT NOT NULL,
                  pipeline TEXT NOT NULL
                );
                CREATE INDEX manifest_file_pipeline ON manifest_file(pipeline);
                CREATE TRIGGER pipeline_version_immutable BEFORE UPDATE ON pipeline_version
                  BEGIN SELECT RAISE(ABORT, 'pipeline versions are immutable'); END;
                CREATE TRIGGER pipeline_version_kept BEFORE DELETE ON pipeline_version
                  BEGIN SELECT RAISE(ABORT, 'pipeline versions are never deleted'); END;
                CREATE TRIGGER audit_event_immutable BEFORE UPDATE ON audit_event
                  BEGIN SELECT RAISE(ABORT, 'audit events are immutable'); END;
                CREATE TRIGGER audit_event_kept BEFORE DELETE ON audit_event
                  BEGIN SELECT RAISE(ABORT, 'audit events are never deleted'); END;
                """)
        }
        migrator.registerMigration("v2-runs") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  pipeline TEXT NOT NULL,
                  versionID INTEGER NOT NULL REFERENCES pipeline_version(id),
                  scheduledAt DATETIME,
                  trigger TEXT NOT NULL,
                  state TEXT NOT NULL,
                  parameters TEXT NOT NULL DEFAULT '{}',
                  createdAt DATETIME NOT NULL,
                  startedAt DATETIME,
                  finishedAt DATETIME,
                  reason TEXT,
                  UNIQUE (pipeline, scheduledAt)
                );
                CREATE INDEX run_state ON run(state);
                CREATE TABLE task_attempt (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  runID INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                  taskID TEXT NOT NULL,
                  attempt INTEGER NOT NULL,
                  state TEXT NOT NULL,
                  startedAt DATETIME,
                  finishedAt DATETIME,
                  exitCode INTEGER,
                  signal INTEGER,
                  reason TEXT,
                  outputs TEXT NOT NULL DEFAULT '{}',
                  logPath TEXT,
                  pid INTEGER,
                  processStartTime INTEGER,
                  UNIQUE (runID, taskID, attempt)
                );
                """)
        }
        migrator.registerMigration("v3-run-details") { db in
            // `versionID` becomes optional (a `baton run FILE` has no version) and `retryOf`
            // links a resumed run to the failed one. SQLite cannot relax NOT NULL in place,
            // so the table is rebuilt, rows kept (foreign keys are deferred by the migrator).
            try db.execute(sql: """
                CREATE TABLE run_new (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  pipeline TEXT NOT NULL,
                  versionID INTEGER REFERENCES pipeline_version(id),
                  scheduledAt DATETIME,
                  trigger TEXT NOT NULL,
                  state TEXT NOT NULL,
                  parameters TEXT NOT NULL DEFAULT '{}',
                  createdAt DATETIME NOT NULL,
                  startedAt DATETIME,
                  finishedAt DATETIME,
                  reason TEXT,
                  retryOf INTEGER REFERENCES run_new(id),
                  UNIQUE (pipeline, scheduledAt)
                );
                INSERT INTO run_new (id, pipeline, versionID, scheduledAt, trigger, state, parameters, createdAt, startedAt, finishedAt, reason)
                  SELECT id, pipeline, versionID, scheduledAt, trigger, state, parameters, createdAt, startedAt, finishedAt, reason FROM run;
                DROP TABLE run;
                ALTER TABLE run_new RENAME TO run;
                CREATE INDEX run_state ON run(state);
                ALTER TABLE task_attempt ADD COLUMN cacheKey TEXT;
                CREATE INDEX task_attempt_cache ON task_attempt(taskID, cacheKey, state);
                CREATE INDEX run_created ON run(createdAt);
                """)
        }
        migrator.registerMigration("v4-daemon") { db in
            // The daemon: operator suspensions on top of Git and the daemon's own status row.
            // ("The last slot of each pipeline" is served by the UNIQUE (pipeline, scheduledAt)
            // index of `run`.)
            try db.execute(sql: """
                CREATE TABLE pipeline_override (
                  pipeline TEXT PRIMARY KEY,
                  reason TEXT,
                  actor TEXT NOT NULL,
                  since DATETIME NOT NULL
                );
                CREATE TABLE daemon (
                  id INTEGER PRIMARY KEY CHECK (id = 1),
                  pid INTEGER NOT NULL,
                  processStartTime INTEGER,
                  startedAt DATETIME NOT NULL,
                  stoppedAt DATETIME,
                  interval DOUBLE NOT NULL,
                  reconcileCount INTEGER NOT NULL DEFAULT 0,
                  lastReconcileAt DATETIME,
                  lastReconcileSummary TEXT,
                  lastReconcileJSON TEXT,
                  nextReconcileAt DATETIME,
                  sourceFailures INTEGER NOT NULL DEFAULT 0,
                  sourceError TEXT
                );
                ALTER TABLE run ADD COLUMN ownerPid INTEGER;
                ALTER TABLE run ADD COLUMN ownerStartTime INTEGER;
                """)
        }
        migrator.registerMigration("v5-file-runs") { db in
            // A run of a manifest file keeps where the file was and each task's spec hash, so
            // `baton retry` can resume it from the file as it is now (see RunRecord).
            try db.execute(sql: """
                ALTER TABLE run ADD COLUMN manifestPath TEXT;
                ALTER TABLE run ADD COLUMN taskSpecHashes TEXT NOT NULL DEFAULT '{}';
                """)
        }
        migrator.registerMigration("v6-operations") { db in
            // The daemon's status row keeps its last pass as values (JSON of `ReconcilePass`)
            // instead of text the CLI rendered; a row written by an older daemon is carried
            // over from its JSON text. Runs say who asked for them, and list by pipeline in
            // id order (the runs API pages on id).
            try db.execute(sql: """
                ALTER TABLE daemon ADD COLUMN lastReconcile TEXT;
                ALTER TABLE run ADD COLUMN requestedBy TEXT;
                CREATE INDEX run_pipeline_id ON run(pipeline, id);
                """)
            if let row = try Row.fetchOne(db, sql: "SELECT lastReconcileAt, lastReconcileSummary, lastReconcileJSON FROM daemon WHERE id = 1") {
                let at = DatabaseDate.date(row["lastReconcileAt"] as DatabaseValue) ?? Date(timeIntervalSince1970: 0)
                if let pass = LegacyReconcileSummary.pass(json: row["lastReconcileJSON"], summary: row["lastReconcileSummary"], at: at) {
                    try db.execute(sql: "UPDATE daemon SET lastReconcile = ? WHERE id = 1", arguments: [ReconcilePass.columnText(pass)])
                }
            }
            try db.execute(sql: """
                ALTER TABLE daemon DROP COLUMN lastReconcileSummary;
                ALTER TABLE daemon DROP COLUMN lastReconcileJSON;
                """)
        }
        migrator.registerMigration("v7-signers") { db in
            // `--verify-commits`: each revision keeps who signed it, and the source the
            // policy its last commit was judged under (see SourceRecord.verification).
            try db.execute(sql: """
                ALTER TABLE revision ADD COLUMN signerMethod TEXT;
                ALTER TABLE revision ADD COLUMN signerIdentity TEXT;
                ALTER TABLE revision ADD COLUMN signerKey TEXT;
                ALTER TABLE source ADD COLUMN verification TEXT;
                """)
        }
        migrator.registerMigration("v8-backfills") { db in
            // `baton backfill`: the request as a row of its own (so a restarted daemon carries
            // on with it) and, on each run it made, the backfill's id. The index serves the
            // daemon's one question about a backfill: its queued runs, oldest slot first, and
            // how many of its runs are in each state.
            try db.execute(sql: """
                CREATE TABLE backfill (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  pipeline TEXT NOT NULL,
                  versionID INTEGER NOT NULL REFERENCES pipeline_version(id),
                  fromTime DATETIME NOT NULL,
                  toTime DATETIME NOT NULL,
                  maxParallel INTEGER NOT NULL CHECK (maxParallel >= 1),
                  state TEXT NOT NULL,
                  requestedBy TEXT NOT NULL,
                  createdAt DATETIME NOT NULL,
                  finishedAt DATETIME,
                  slotCount INTEGER NOT NULL,
                  skippedCount INTEGER NOT NULL,
                  reason TEXT
                );
                CREATE INDEX backfill_state ON backfill(state);
                ALTER TABLE run ADD COLUMN backfillID INTEGER REFERENCES backfill(id);
                CREATE INDEX run_backfill ON run(backfillID, state, scheduledAt) WHERE backfillID IS NOT NULL;
                """)
        }
        migrator.registerMigration("v9-pipeline-triggers") { db in
            // Runs started by the end of another pipeline's run (`triggers`, `onFailure`): the
            // upstream run, a key unique per pipeline (one run per upstream run, as one per
            // slot), and whether a run's own dependents were recorded (runs before this
            // migration count as done, so an upgrade fires nothing for old runs). Manifest
            // files that link pipelines are marked: passes read every file while any does.
            try db.execute(sql: """
                ALTER TABLE run ADD COLUMN upstreamRunID INTEGER;
                ALTER TABLE run ADD COLUMN upstreamPipeline TEXT;
                ALTER TABLE run ADD COLUMN triggerKey TEXT;
                ALTER TABLE run ADD COLUMN dependentsFired INTEGER NOT NULL DEFAULT 0;
                UPDATE run SET dependentsFired = 1;
                CREATE UNIQUE INDEX run_trigger_key ON run(pipeline, triggerKey) WHERE triggerKey IS NOT NULL;
                CREATE INDEX run_awaiting_dependents ON run(pipeline, finishedAt) WHERE dependentsFired = 0 AND finishedAt IS NOT NULL;
                ALTER TABLE manifest_file ADD COLUMN linked INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v10-file-triggers") { db in
            // File-arrival triggers (`triggers` with `path`). `file_watch` marks each
            // (pipeline, trigger path) whose baseline was taken: the files present when it was
            // first watched, recorded in `file_seen` in the same transaction so a commit never
            // starts a run per historical file, and a restart never takes a second baseline.
            // `file_seen` also holds every file that got its run (by the run's trigger key),
            // so pruning old runs never makes a file run again. Both go together when the
            // trigger stops being watched, so watching that path again takes a new baseline.
            try db.execute(sql: """
                CREATE TABLE file_watch (
                  pipeline TEXT NOT NULL,
                  path TEXT NOT NULL,
                  baselineAt DATETIME NOT NULL,
                  PRIMARY KEY (pipeline, path)
                );
                CREATE TABLE file_seen (
                  pipeline TEXT NOT NULL,
                  path TEXT NOT NULL,
                  fileKey TEXT NOT NULL,
                  PRIMARY KEY (pipeline, path, fileKey),
                  FOREIGN KEY (pipeline, path) REFERENCES file_watch(pipeline, path) ON DELETE CASCADE
                );
                """)
        }
        return migrator
    }
}

/// Reads the last pass out of what a daemon before `v6-operations` stored: the JSON of
/// `reconcile --json`, or for a failed pass the line `reconcile failed: …`.
enum LegacyReconcileSummary {
    static func pass(json: String?, summary: String?, at: Date) -> ReconcilePass? {
        if let json, let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
           let outcome = (object["outcome"] as? String).flatMap(ReconcilePass.Outcome.init(rawValue:)) {
            let commit = object["commit"] as? [String: Any]
            let author = commit?["author"] as? [String: Any]
            let summary = object["summary"] as? [String: Any] ?? [:]
            let diagnostics = object["diagnostics"] as? [[String: Any]] ?? []
            func count(_ key: String) -> Int { (summary[key] as? NSNumber)?.intValue ?? 0 }
            return ReconcilePass(
                outcome: outcome, alreadyJudged: object["alreadyJudged"] as? Bool ?? false, commit: commit?["id"] as? String,
                author: (author?["name"] as? String).map { Person(name: $0, email: author?["email"] as? String ?? "") },
                subject: commit?["subject"] as? String,
                counts: ReconcilePass.Counts(created: count("create"), updated: count("update"), retired: count("retire"), revived: count("revive"), unchanged: count("unchanged")),
                errors: diagnostics.filter { $0["severity"] as? String == "error" }.count,
                warnings: diagnostics.filter { $0["severity"] as? String == "warning" }.count,
                live: object["live"] as? String, finishedAt: at)
        }
        if let summary, summary.hasPrefix("reconcile failed: ") {
            return ReconcilePass(outcome: .failed, error: String(summary.dropFirst("reconcile failed: ".count)), finishedAt: at)
        }
        return nil
    }
}
