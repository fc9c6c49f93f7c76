import Foundation

/// Backfills (`baton backfill`): the request, its runs, and the few reads the daemon makes to
/// start them within the backfill's `maxParallel`.
public protocol BackfillStore: Sendable {
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
}
