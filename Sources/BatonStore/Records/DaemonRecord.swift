import Foundation

/// What the running daemon (`baton serve`) says about itself, for `baton status` and for
/// commands that talk to it.
///
/// One row, written by the daemon that holds the state directory's lock: who it is (pid and
/// the process's start time, so a stale row is told from a live daemon), how its reconcile
/// loop goes (the count lets `baton reconcile --now` wait for the pass it asked for), and
/// whether the source is failing and the loop is backing off.
public struct DaemonRecord: Sendable, Hashable, Codable {
    public var pid: Int
    public var processStartTime: Int64?
    public var startedAt: Date
    /// Set when the daemon stopped cleanly.
    public var stoppedAt: Date?
    public var interval: TimeInterval
    /// Passes completed since the daemon started, whatever their outcome.
    public var reconcileCount: Int
    public var lastReconcileAt: Date?
    /// What the last pass did, as values (`baton reconcile --now` and the API present it).
    public var lastReconcile: ReconcilePass?
    public var nextReconcileAt: Date?
    /// Consecutive passes whose fetch failed; the loop backs off while it is above zero.
    public var sourceFailures: Int
    public var sourceError: String?

    public init(pid: Int, processStartTime: Int64?, startedAt: Date, stoppedAt: Date? = nil, interval: TimeInterval, reconcileCount: Int = 0, lastReconcileAt: Date? = nil, lastReconcile: ReconcilePass? = nil, nextReconcileAt: Date? = nil, sourceFailures: Int = 0, sourceError: String? = nil) {
        self.pid = pid
        self.processStartTime = processStartTime
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
        self.interval = interval
        self.reconcileCount = reconcileCount
        self.lastReconcileAt = lastReconcileAt
        self.lastReconcile = lastReconcile
        self.nextReconcileAt = nextReconcileAt
        self.sourceFailures = sourceFailures
        self.sourceError = sourceError
    }
}
