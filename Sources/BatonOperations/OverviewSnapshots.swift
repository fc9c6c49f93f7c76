import BatonStore
import Synchronization

/// What the pipelines list reads from the store, kept while the store does not change.
///
/// The list (`baton status`, `GET /api/v1/pipelines`, the dashboard's first page) reads every
/// pipeline, its current version and its last runs: for 1,000 pipelines, 10,000 run rows per
/// request. A dashboard open in several browsers asks for it again and again between two
/// commits; the rows are kept under the store's change count read before them
/// (`StateStore.changeCount()`), so a kept read is never older than its count. Next fire
/// times depend on the clock and are computed for each request from the kept rows.
public final class OverviewSnapshots: Sendable {
    struct Snapshot: Sendable {
        var records: [PipelineRecord]
        var versions: [String: PipelineVersion]
        var overrides: [String: PipelineOverride]
        var runs: [String: [RunRecord]]
    }

    /// By the number of recent runs asked for: the change count it was read under, and the rows.
    private let kept = Mutex<[Int: (change: Int64, snapshot: Snapshot)]>([:])

    public init() {}

    func snapshot(recentRuns: Int, change: Int64) -> Snapshot? {
        kept.withLock { kept in kept[recentRuns].flatMap { $0.change == change ? $0.snapshot : nil } }
    }

    func keep(_ snapshot: Snapshot, recentRuns: Int, change: Int64) {
        kept.withLock { kept in
            // A few request shapes at most (the dashboard's, the CLI's, the API's defaults).
            if kept.count >= 8, kept[recentRuns] == nil { kept.removeAll() }
            kept[recentRuns] = (change, snapshot)
        }
    }
}
