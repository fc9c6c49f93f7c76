import BatonGit
import BatonStore
import Foundation
import Logging
import ServiceLifecycle

/// Makes a service that lives inside the daemon (the HTTP server) once the daemon is ready
/// for it: the store open, crash recovery done, the schedule loaded.
///
/// Throwing, or a service whose `run` throws, stops the daemon with that error: a server
/// that cannot listen must not leave a daemon nobody can reach.
public typealias DaemonCompanion = @Sendable (DaemonHandle) async throws -> any Service

/// What a companion may use of the running daemon, without depending on its types: the seam
/// that keeps `BatonDaemon` free of HTTP (the server depends on the daemon, never the other
/// way round).
///
/// In-process versions of what the CLI does with signals: `reconcileNow` is SIGHUP and can
/// wait for the pass it asked for; `checkMailbox` is SIGUSR1, for requests (trigger, cancel,
/// suspend, resume) just written to the store.
public struct DaemonHandle: Sendable {
    /// The daemon's own store: the same connection pool, so a write made through it is seen
    /// by the daemon's next read.
    public let store: any StateStore
    public let stateDirectory: String
    /// The repository and ref the daemon follows (a push webhook compares its ref).
    public let source: GitSource
    /// Between reconcile passes.
    public let interval: TimeInterval
    /// Where the daemon's metrics go; companions add theirs to the same registry.
    public let metrics: DaemonMetrics
    public let logger: Logger
    let progress: ReconcileProgress
    let poke: @Sendable () -> Void
    let mailbox: @Sendable () async -> Void

    init(store: any StateStore, stateDirectory: String, source: GitSource, interval: TimeInterval, metrics: DaemonMetrics, logger: Logger,
         progress: ReconcileProgress, poke: @escaping @Sendable () -> Void, mailbox: @escaping @Sendable () async -> Void) {
        self.store = store
        self.stateDirectory = stateDirectory
        self.source = source
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
        self.progress = progress
        self.poke = poke
        self.mailbox = mailbox
    }

    /// The reconcile loop's record so far, for readiness and for tests that wait on passes.
    public var reconcileFacts: ReconcileFacts { progress.facts }

    /// Asks for a pass now and returns at once (a push webhook answers 202 before the fetch).
    /// Requests that arrive while a pass runs are folded into one pass after it.
    public func requestReconcile() {
        _ = progress.requested()
        poke()
    }

    /// Asks for a pass now and waits for one that started after the request (a pass already
    /// under way may have fetched before the commit the caller knows of).
    ///
    /// - Throws: `DaemonError(.notRunning)` when the daemon stops, or the caller is cancelled,
    ///   before that pass ends.
    public func reconcileNow() async throws(DaemonError) -> ReconcilePassResult {
        let current = progress.requested()
        poke()
        return try await pass(after: current)
    }

    /// Waits, without asking for one, for the pass after the first `passes` passes to end:
    /// `reconcileFacts.passes` read before an action, then this, waits for the pass that
    /// action caused.
    public func pass(after passes: Int) async throws(DaemonError) -> ReconcilePassResult {
        guard let result = await progress.result(ofPassAfter: passes) else {
            throw DaemonError(.notRunning, "the daemon stopped (or the request was abandoned) before the reconcile pass ended")
        }
        return result
    }

    /// Reads what was just left in the store (a queued run, a cancel request, a suspension):
    /// what SIGUSR1 does for the CLI, without the signal.
    public func checkMailbox() async {
        await mailbox()
    }
}
