import Foundation

/// A request to run a pipeline's past slots (`baton backfill`), kept as a row of its own so
/// that it outlives the process that carries it out.
///
/// Its runs are recorded, one per slot not yet taken, in the same transaction as this row
/// (`StateStore.createBackfill`), queued and marked with the backfill's id. The daemon only
/// ever starts them, oldest slot first and at most `maxParallel` at once, so a daemon killed
/// half-way and started again picks up the queued runs where it stopped: no slot is lost and
/// none gets a second run (the store's one-run-per-slot key holds for backfilled slots too).
public struct BackfillRecord: Sendable, Hashable, Codable, Identifiable {
    /// Where a backfill stands. Stored as its raw text; any other text is an unreadable row.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Runs of it are still queued or running: the daemon starts them as others end.
        case running
        /// Every run of it has ended (or it had none to make).
        case completed
        /// `baton cancel --backfill`: its queued runs were cancelled and nothing more starts.
        case cancelled
    }

    public var id: Int64?
    public var pipeline: String
    /// The version its runs run: the pipeline's current one when it was asked for.
    public var versionID: Int64
    /// The range of slots, `from` inclusive, `to` exclusive.
    public var from: Date
    public var to: Date
    /// Runs of this backfill active at once, at most.
    public var maxParallel: Int
    public var state: State
    /// Who asked for it: an operating-system user or an API token's name.
    public var requestedBy: String
    public var createdAt: Date
    /// When it completed or was cancelled.
    public var finishedAt: Date?
    /// Slots of the schedule in the range.
    public var slotCount: Int
    /// Of those, slots that already had a run (any state, missed and skipped included) and
    /// were left alone.
    public var skippedCount: Int
    /// Why it ended early (a cancel, and by whom).
    public var reason: String?

    public init(id: Int64? = nil, pipeline: String, versionID: Int64, from: Date, to: Date, maxParallel: Int, state: State = .running,
                requestedBy: String, createdAt: Date, finishedAt: Date? = nil, slotCount: Int = 0, skippedCount: Int = 0, reason: String? = nil) {
        self.id = id
        self.pipeline = pipeline
        self.versionID = versionID
        self.from = from
        self.to = to
        self.maxParallel = maxParallel
        self.state = state
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.slotCount = slotCount
        self.skippedCount = skippedCount
        self.reason = reason
    }

    /// Runs it made: its slots less those it skipped.
    public var createdCount: Int { slotCount - skippedCount }
}

/// What `StateStore.cancelBackfill` did, read and written in one transaction.
public struct BackfillCancellation: Sendable, Hashable {
    /// The backfill after the request.
    public var backfill: BackfillRecord
    /// Whether this request cancelled it (false: it had already completed or been cancelled).
    public var changed: Bool
    /// Its queued runs, cancelled at once.
    public var cancelledRuns: Int
    /// Its running runs, which now carry the cancel request in their `reason`: their
    /// executor ends them as cancelled.
    public var requested: [RunRecord]

    public init(backfill: BackfillRecord, changed: Bool, cancelledRuns: Int, requested: [RunRecord]) {
        self.backfill = backfill
        self.changed = changed
        self.cancelledRuns = cancelledRuns
        self.requested = requested
    }
}
