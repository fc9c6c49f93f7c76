import BatonEngine
import BatonStore
import CoreMetrics
import Foundation

/// The daemon's metrics, written through the `MetricsFactory` it was given rather than the
/// process-wide `MetricsSystem`: tests run many daemons in one process, each with its own
/// registry, and a library must not bootstrap the global system for its host.
///
/// Without a factory (the CLI's one-shot commands, most tests) every metric goes to
/// swift-metrics' no-op handler. The names are Prometheus names, listed in `docs/http.md`.
public struct DaemonMetrics: Sendable {
    /// Metric names, one place for the code and the docs to agree on.
    public enum Name {
        /// Counter {outcome=applied|unchanged|rejected|failed}: `applied` only for a pass that
        /// applied a commit not applied before; a pass of the live commit again is `unchanged`.
        public static let reconcilePasses = "baton_reconcile_passes_total"
        /// Histogram (seconds): how long a pass took, whatever its outcome.
        public static let reconcileDuration = "baton_reconcile_duration_seconds"
        /// Counter: commits newly rejected (a pass that re-judges a known commit is not counted).
        public static let rejectedCommits = "baton_rejected_commits_total"
        /// Counter: passes that could not fetch from (or read) the source.
        public static let fetchErrors = "baton_fetch_errors_total"
        /// Counter {pipeline,state}: runs that ended, by their final state.
        public static let runs = "baton_runs_total"
        /// Histogram (seconds): a scheduled run's slot to the moment it started.
        public static let slotStartDelay = "baton_slot_start_delay_seconds"
        /// Histogram (seconds): a task's last attempt, start to end.
        public static let taskDuration = "baton_task_duration_seconds"
        /// Gauge: tasks waiting for a free worker (`--workers`).
        public static let queueDepth = "baton_queue_depth"
        /// Counter {result=sent|failed}: alert deliveries.
        public static let alerts = "baton_alerts_total"
    }

    public let factory: any MetricsFactory
    private let rejected: Counter
    private let fetchErrors: Counter
    private let duration: CoreMetrics.Timer
    private let slotDelay: CoreMetrics.Timer
    private let taskDuration: CoreMetrics.Timer
    private let queue: Gauge
    private let alertsSent: Counter
    private let alertsFailed: Counter

    public init(factory: any MetricsFactory) {
        self.factory = factory
        rejected = Counter(label: Name.rejectedCommits, factory: factory)
        fetchErrors = Counter(label: Name.fetchErrors, factory: factory)
        duration = CoreMetrics.Timer(label: Name.reconcileDuration, factory: factory)
        slotDelay = CoreMetrics.Timer(label: Name.slotStartDelay, factory: factory)
        taskDuration = CoreMetrics.Timer(label: Name.taskDuration, factory: factory)
        queue = Gauge(label: Name.queueDepth, factory: factory)
        alertsSent = Counter(label: Name.alerts, dimensions: [("result", "sent")], factory: factory)
        alertsFailed = Counter(label: Name.alerts, dimensions: [("result", "failed")], factory: factory)
        // Present from the start at 0, so a dashboard's rate() has a series before the first event.
        queue.record(0)
        for outcome in ["applied", "unchanged", "rejected", "failed"] {
            _ = Counter(label: Name.reconcilePasses, dimensions: [("outcome", outcome)], factory: factory)
        }
    }

    /// Every metric dropped: what the daemon uses when it is given no factory.
    public static var none: DaemonMetrics { DaemonMetrics(factory: NOOPMetricsHandler.instance) }

    /// One pass; `outcome` is `failed` or a `RevisionOutcome`'s raw value.
    func reconcilePass(outcome: String, took: Duration, newlyRejected: Bool, fetchFailed: Bool) {
        Counter(label: Name.reconcilePasses, dimensions: [("outcome", outcome)], factory: factory).increment()
        duration.recordNanoseconds(Self.nanoseconds(took))
        if newlyRejected { rejected.increment() }
        if fetchFailed { fetchErrors.increment() }
    }

    func runEnded(pipeline: String, state: RunRecord.State) {
        Counter(label: Name.runs, dimensions: [("pipeline", pipeline), ("state", state.rawValue)], factory: factory).increment()
    }

    func slotStarted(late seconds: TimeInterval) {
        slotDelay.recordNanoseconds(Int64(max(0, seconds) * 1_000_000_000))
    }

    /// The executor's progress: a task that ran (not a cached or skipped one) counts its
    /// last attempt's duration.
    func observe(_ event: ProgressEvent) {
        guard case .finished(let result) = event.kind, result.attempts > 0, let start = result.startedAt, let end = result.finishedAt else { return }
        taskDuration.recordNanoseconds(Int64(max(0, end.timeIntervalSince(start)) * 1_000_000_000))
    }

    /// Called under the worker pool's lock, so values arrive in the order they happened.
    func queueDepth(_ waiting: Int) {
        queue.record(waiting)
    }

    func alert(delivered: Bool) {
        (delivered ? alertsSent : alertsFailed).increment()
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}
