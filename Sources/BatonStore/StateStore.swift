import Foundation

/// What Baton knows and has done: the source, the judged revisions, the pipelines and their
/// versions, the audit log, and the runs.
///
/// The rest of Baton talks to this protocol, never to a database, so that SQLite (the
/// embedded default) and PostgreSQL (several nodes on one store) are interchangeable; both
/// must pass the same contract tests. Methods are `async` because a networked store is.
/// Reads return plain value types; the one write the reconciler makes, `apply(_:)`, is a
/// single transaction.
public protocol StateStore: Sendable {
    /// The source and its progress; nil until the first pass.
    func source() async throws(StoreError) -> SourceRecord?

    /// A number that changes whenever anyone (this process or another: a CLI beside the
    /// daemon) commits a write to the store, so a reader may keep an answer for as long as it
    /// reads the same number. Equal numbers mean no commit in between; the values mean nothing
    /// else.
    func changeCount() async throws(StoreError) -> Int64

    /// Applies a pass's results atomically (see `RevisionWrite`) and returns the stored
    /// revision with its id, if the write carried one.
    @discardableResult
    func apply(_ write: RevisionWrite) async throws(StoreError) -> RevisionRecord?

    /// Every pipeline, active and retired, by name.
    func pipelines() async throws(StoreError) -> [PipelineRecord]
    /// The pipelines with these names that exist (active or retired).
    func pipelines(named names: [String]) async throws(StoreError) -> [PipelineRecord]
    /// How many pipelines are active.
    func activePipelineCount() async throws(StoreError) -> Int

    /// A version by id.
    func version(id: Int64) async throws(StoreError) -> PipelineVersion?
    /// The current versions of these pipelines.
    func currentVersions(of names: [String]) async throws(StoreError) -> [PipelineVersion]
    /// A pipeline's versions, newest first.
    func versions(of pipeline: String) async throws(StoreError) -> [PipelineVersion]

    /// The whole manifest index of the applied commit, by path.
    func manifestIndex() async throws(StoreError) -> [ManifestIndexEntry]
    /// The index rows for these paths.
    func manifestIndex(paths: [String]) async throws(StoreError) -> [ManifestIndexEntry]
    /// The index rows of files defining these pipelines.
    func manifestIndex(pipelines: [String]) async throws(StoreError) -> [ManifestIndexEntry]

    /// Judged revisions, newest first.
    func revisions(limit: Int) async throws(StoreError) -> [RevisionRecord]
    /// The revisions with these ids, in any order; ids with no revision are left out. For
    /// what a version's revision says about its commit (its signer) without reading them all.
    func revisions(ids: [Int64]) async throws(StoreError) -> [RevisionRecord]
    /// Audit events matching `query`, newest first.
    func auditEvents(_ query: AuditQuery) async throws(StoreError) -> [AuditEvent]

    /// Inserts a run, unless a run already holds its slot `(pipeline, scheduledAt)`: then the
    /// existing run is returned with `created` false. This is how "one run per slot" holds
    /// across crashes and races.
    func createRun(_ run: RunRecord) async throws(StoreError) -> (run: RunRecord, created: Bool)
    /// A pipeline's runs, newest slot first.
    func runs(of pipeline: String, limit: Int) async throws(StoreError) -> [RunRecord]
    /// The newest runs of every pipeline, newest first.
    func recentRuns(limit: Int) async throws(StoreError) -> [RunRecord]
    /// A run by id.
    func run(id: Int64) async throws(StoreError) -> RunRecord?
    /// Runs matching `query`, highest id first (see `RunQuery` for paging).
    func runs(_ query: RunQuery) async throws(StoreError) -> [RunRecord]
    /// The newest `limit` runs of each of these pipelines (highest id first), in one read:
    /// what a page of a thousand pipelines shows as each one's recent runs.
    func recentRuns(of pipelines: [String], limit: Int) async throws(StoreError) -> [String: [RunRecord]]
    /// Inserts a run someone asked for (no slot) and the audit event naming them, in one
    /// transaction; `event` is given the stored run, with its id.
    func createRun(_ run: RunRecord, recording event: @escaping @Sendable (RunRecord) -> AuditEvent) async throws(StoreError) -> RunRecord
    /// `updateRun(id:_:)` with the audit event `event` makes of the run before and after the
    /// change (nil records none), in the same transaction.
    func updateRun(id: Int64, recording event: @escaping @Sendable (_ before: RunRecord, _ after: RunRecord) -> AuditEvent?, _ change: @escaping @Sendable (inout RunRecord) -> Void) async throws(StoreError) -> RunRecord
    /// Saves a run's new state (by id).
    func updateRun(_ run: RunRecord) async throws(StoreError)
    /// Reads a run and saves what `change` makes of it, in one transaction, and returns the
    /// result: ending a run must see a cancel request recorded a moment before, never
    /// overwrite it.
    func updateRun(id: Int64, _ change: @escaping @Sendable (inout RunRecord) -> Void) async throws(StoreError) -> RunRecord
    /// The same, saving these attempts' results (by id) in the same transaction: a run's last
    /// task and the run's end are one write.
    func updateRun(id: Int64, saving attempts: [TaskAttemptRecord], _ change: @escaping @Sendable (inout RunRecord) -> Void) async throws(StoreError) -> RunRecord

    /// Records an attempt before its process starts, and returns it with its id.
    func insertAttempt(_ attempt: TaskAttemptRecord) async throws(StoreError) -> TaskAttemptRecord
    /// Saves an attempt's result (by id).
    func updateAttempt(_ attempt: TaskAttemptRecord) async throws(StoreError)
    /// Every attempt of a run, by task and attempt number.
    func attempts(ofRun runID: Int64) async throws(StoreError) -> [TaskAttemptRecord]
    /// The newest successful attempt of `taskID` in `pipeline` with this cache key that
    /// finished at or after `since`: a cache hit.
    func cachedAttempt(pipeline: String, taskID: String, cacheKey: String, since: Date) async throws(StoreError) -> TaskAttemptRecord?

    // MARK: The daemon

    /// Inserts many runs in one transaction, each unless its slot is taken (as `createRun`):
    /// a thousand pipelines sharing a fire instant get their run records in one commit.
    func createRuns(_ runs: [RunRecord]) async throws(StoreError) -> [(run: RunRecord, created: Bool)]
    /// The newest slot recorded for each pipeline (any state, missed and skipped included):
    /// where the scheduler picks up after a restart.
    func lastSlots() async throws(StoreError) -> [String: Date]
    /// Runs in these states, oldest first.
    func runs(inStates states: [RunRecord.State]) async throws(StoreError) -> [RunRecord]
    /// Deletes a pipeline's finished runs beyond its newest `keep` (their attempts go with
    /// them) and returns the deleted runs, so their logs can be removed too.
    func pruneRuns(of pipeline: String, keep: Int) async throws(StoreError) -> [RunRecord]

    /// When each pipeline was last resumed by an operator: where its slots pick up after a
    /// restart, so slots that passed while it was suspended are never caught up on.
    func resumeTimes() async throws(StoreError) -> [String: Date]
    /// Every operator suspension.
    func overrides() async throws(StoreError) -> [PipelineOverride]
    /// Suspends (an override) or resumes (nil) a pipeline and records the audit event, in
    /// one transaction.
    func setOverride(pipeline: String, _ override: PipelineOverride?, event: AuditEvent) async throws(StoreError)

    // MARK: Backfills

    /// Records a backfill and one queued run per slot in `runs` that has no run yet, in one
    /// transaction, and returns the stored backfill with its id, `slotCount` (every slot
    /// given) and `skippedCount` (slots that already had a run, of any state, left alone).
    /// Each run is stored with the backfill's id; `event` (the audit event) is given the
    /// stored backfill. A backfill that made no run is stored `completed` at once.
    ///
    /// One transaction, so a crash leaves either the whole request or none of it: a daemon
    /// started afterwards never sees a backfill with half its slots.
    func createBackfill(_ backfill: BackfillRecord, runs: [RunRecord], recording event: @escaping @Sendable (BackfillRecord) -> AuditEvent) async throws(StoreError) -> BackfillRecord
    /// A backfill by id.
    func backfill(id: Int64) async throws(StoreError) -> BackfillRecord?
    /// Backfills, newest first: of one pipeline (nil: all) in these states (empty: any).
    func backfills(pipeline: String?, states: [BackfillRecord.State], limit: Int) async throws(StoreError) -> [BackfillRecord]
    /// How many of a backfill's runs are in each state (states with none are left out): what
    /// the daemon reads to know how many it may start and whether it is done. Runs pruned by
    /// `keepRuns` are no longer counted.
    func backfillRunCounts(id: Int64) async throws(StoreError) -> [RunRecord.State: Int]
    /// A backfill's runs in these states, oldest slot first, at most `limit`: the daemon
    /// starts the oldest queued ones first.
    func runs(ofBackfill id: Int64, inStates states: [RunRecord.State], limit: Int) async throws(StoreError) -> [RunRecord]
    /// Marks a `running` backfill `completed` at `time` if none of its runs is queued or
    /// running any more, in one transaction (a cancel a moment before wins); returns the
    /// backfill as it is after, or nil when there is no such backfill.
    func completeBackfill(id: Int64, at time: Date) async throws(StoreError) -> BackfillRecord?
    /// Cancels a `running` backfill as one unit, in one transaction: the backfill becomes
    /// `cancelled` with `reason`, its queued runs `cancelled`, and its running runs carry
    /// `reason` (which starts with `RunExecutor.cancelPrefix`) so their executors end them;
    /// `event` is recorded with it. A backfill that already ended is returned unchanged.
    ///
    /// - Throws: `StoreError(.notFound)` when there is no such backfill.
    func cancelBackfill(id: Int64, reason: String, at time: Date, recording event: @escaping @Sendable (BackfillRecord) -> AuditEvent) async throws(StoreError) -> BackfillCancellation

    // MARK: Runs started by other runs

    /// Whether any manifest of the applied commit links pipelines (`triggers` naming a
    /// pipeline, `onFailure`): while one does, a pass reads every manifest, since a loop
    /// between pipelines is a rule over all of them.
    func hasLinkedManifests() async throws(StoreError) -> Bool
    /// Records what the end of run `upstreamID` starts, in one transaction: each of `runs`
    /// unless its pipeline already has a run with its `triggerKey` (so a second call for the
    /// same upstream run, after a crash, creates nothing; a run without a key is always
    /// created), and marks the upstream run's `dependentsFired`. Returns the runs it created.
    func fireDependents(of upstreamID: Int64, _ runs: [RunRecord]) async throws(StoreError) -> [RunRecord]
    /// Finished runs of these pipelines, ended at or after `since`, whose dependents were not
    /// recorded yet (a daemon stopped in between), oldest first.
    func runsAwaitingDependents(of pipelines: [String], finishedSince since: Date) async throws(StoreError) -> [RunRecord]

    // MARK: Runs started by files

    /// Every file trigger whose baseline was taken, so the daemon knows, at start and after
    /// each pass, which watches are new (a baseline is due) and which stopped (forget them).
    func fileWatches() async throws(StoreError) -> [FileWatchRecord]
    /// Takes the baseline of `watch`: records it and `fileKeys` (the trigger keys of the
    /// files already there) as seen, in one transaction, unless a baseline for its
    /// (pipeline, path) exists. Returns whether this call took it. One transaction, so a crash
    /// leaves either the whole baseline or none, and a second call never widens it with files
    /// that arrived since (those must run).
    @discardableResult
    func takeFileBaseline(_ watch: FileWatchRecord, fileKeys: [String]) async throws(StoreError) -> Bool
    /// The trigger keys of the files (pipeline, path) has seen: its baseline and every file
    /// that got its run. What the daemon skips when it scans the folder.
    func seenFiles(pipeline: String, path: String) async throws(StoreError) -> Set<String>
    /// Records the run of a new file and marks the file (its `triggerKey`) seen for
    /// (pipeline, path) if that watch exists (one forgotten a moment before stays forgotten),
    /// in one transaction. Creates nothing, and returns nil, when the file
    /// was seen already or the pipeline already has a run with that key: so a file gets one
    /// run whatever crashes and rescans happen, and keeps it after runs are pruned. The run
    /// must carry its `triggerKey` (`RunRecord.fileTriggerKey`).
    func createFileRun(_ run: RunRecord, watch path: String) async throws(StoreError) -> RunRecord?
    /// Drops the baseline and the seen files of (pipeline, path) when the daemon stops
    /// watching it (its trigger removed or changed, its pipeline retired), so watching it
    /// again later takes a new baseline instead of running what arrived in between.
    func forgetFileWatch(pipeline: String, path: String) async throws(StoreError)

    /// The daemon's status row; nil when no daemon ever ran on this store.
    func daemon() async throws(StoreError) -> DaemonRecord?
    /// Saves the daemon's status row.
    func saveDaemon(_ record: DaemonRecord) async throws(StoreError)
}
