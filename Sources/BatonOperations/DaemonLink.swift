import BatonStore

/// How an operation reaches the daemon (`baton serve`) of its state directory.
///
/// The store is the mailbox: an operation writes its request there first (a queued run, a
/// cancel request, a suspension), then tells the daemon to look. Two faces implement this:
/// the CLI's, through signals to the pid in the daemon's lock file (`SignalDaemonLink`),
/// and the HTTP server's, in the daemon's own process.
public protocol DaemonLink: Sendable {
    /// The pid of the daemon running on the state directory now; nil when none runs.
    func runningPid() -> Int?
    /// Tells the running daemon to read its mailbox; false when no daemon runs (it reads the
    /// store when it starts).
    @discardableResult
    func notify() async -> Bool
    /// Has the daemon run a reconcile pass now and returns what it came to.
    func reconcileNow() async throws(OperationError) -> ReconcilePass
}
