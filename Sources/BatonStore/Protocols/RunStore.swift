import Foundation

/// Runs and their task attempts: one run per slot and per trigger key, written by the
/// scheduler, the executor and the operations, read by everything that reports on them.
public protocol RunStore: Sendable {
    /// Inserts a run, unless a run already holds its slot `(pipeline, scheduledAt)`: then the
    /// existing run is returned with `created` false. This is how "one run per slot" holds
    /// across crashes and races.
    func createRun(_ run: RunRecord) async throws(StoreError) -> (run: RunRecord, created: Bool)

    /// Inserts many runs in one transaction, each unless its slot is taken (as `createRun`):
    /// a thousand pipelines sharing a fire instant get their run records in one commit.
    func createRuns(_ runs: [RunRecord]) async throws(StoreError) -> [(run: RunRecord, created: Bool)]

    /// Inserts a run someone asked for (no slot) and the audit event naming them, in one
    /// transaction; `event` is given the stored run, with its id.
    func createRun(_ run: RunRecord, recording event: @escaping @Sendable (RunRecord) -> AuditEvent) async throws(StoreError) -> RunRecord

    /// A run by id.
    func run(id: Int64) async throws(StoreError) -> RunRecord?

    /// Runs matching `query`, highest id first (see `RunQuery` for paging).
    func runs(_ query: RunQuery) async throws(StoreError) -> [RunRecord]

    /// A pipeline's runs, newest slot first.
    func runs(of pipeline: String, limit: Int) async throws(StoreError) -> [RunRecord]

    /// The newest runs of every pipeline, newest first.
    func recentRuns(limit: Int) async throws(StoreError) -> [RunRecord]

    /// The newest `limit` runs of each of these pipelines (highest id first), in one read:
    /// what a page of a thousand pipelines shows as each one's recent runs.
    func recentRuns(of pipelines: [String], limit: Int) async throws(StoreError) -> [String: [RunRecord]]

    /// Runs in these states, oldest first.
    func runs(inStates states: [RunRecord.State]) async throws(StoreError) -> [RunRecord]

    /// The newest slot recorded for each pipeline (any state, missed and skipped included):
    /// where the scheduler picks up after a restart.
    func lastSlots() async throws(StoreError) -> [String: Date]

    /// `updateRun(id:_:)` with the audit event `event` makes of the run before and after the
    /// change (nil records none), in the same transaction.
    func updateRun(id: Int64, recording event: @escaping @Sendable (_ before: RunRecord, _ after: RunRecord) -> AuditEvent?, _ change: @escaping @Sendable (inout RunRecord) -> Void) async throws(StoreError) -> RunRecord

    /// Reads a run and saves what `change` makes of it, in one transaction, and returns the
    /// result: ending a run must see a cancel request recorded a moment before, never
    /// overwrite it.
    func updateRun(id: Int64, _ change: @escaping @Sendable (inout RunRecord) -> Void) async throws(StoreError) -> RunRecord

    /// Saves a run's new state (by id).
    func updateRun(_ run: RunRecord) async throws(StoreError)

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

    /// Deletes a pipeline's finished runs beyond its newest `keep` (their attempts go with
    /// them) and returns the deleted runs, so their logs can be removed too.
    func pruneRuns(of pipeline: String, keep: Int) async throws(StoreError) -> [RunRecord]

    /// Records what the end of run `upstreamID` starts, in one transaction: each of `runs`
    /// unless its pipeline already has a run with its `triggerKey` (so a second call for the
    /// same upstream run, after a crash, creates nothing; a run without a key is always
    /// created), and marks the upstream run's `dependentsFired`. Returns the runs it created.
    func fireDependents(of upstreamID: Int64, _ runs: [RunRecord]) async throws(StoreError) -> [RunRecord]

    /// Finished runs of these pipelines, ended at or after `since`, whose dependents were not
    /// recorded yet (a daemon stopped in between), oldest first.
    func runsAwaitingDependents(of pipelines: [String], finishedSince since: Date) async throws(StoreError) -> [RunRecord]
}
