import BatonDaemon
import BatonOperations
import BatonStore
import Foundation

/// The server's way to the daemon it lives in: no signals and no pid file, the daemon's own
/// mailbox and reconcile loop called directly.
///
/// Operations the API and the dashboard run go through this link, so a trigger or a cancel
/// made over HTTP is picked up at once, and `reconcile now` waits for the very pass it asked
/// for, as `baton reconcile --now` does through SIGHUP.
public struct InProcessDaemonLink: DaemonLink {
    public let daemon: DaemonHandle

    public init(daemon: DaemonHandle) {
        self.daemon = daemon
    }

    /// This process: the server runs only inside a running daemon.
    public func runningPid() -> Int? {
        Int(getpid())
    }

    @discardableResult
    public func notify() async -> Bool {
        await daemon.checkMailbox()
        return true
    }

    public func reconcileNow() async throws(OperationError) -> ReconcilePass {
        do {
            _ = try await daemon.reconcileNow()
        } catch {
            throw OperationError(.daemonNotRunning, error.message)
        }
        // The loop saves its status row before it reports the pass, so the row holds this
        // pass (or, when the save failed, says so below).
        let record: DaemonRecord?
        do { record = try await daemon.store.daemon() } catch { throw OperationError(store: error) }
        guard let pass = record?.lastReconcile else {
            throw OperationError(.storeFailed, "the reconcile pass ended but the daemon's status row does not say what it did")
        }
        return pass
    }
}

extension ServerEnvironment {
    /// The operations library bound to the running daemon, its store and the server's clock:
    /// what every API and dashboard route calls.
    public var operations: Operations {
        Operations(store: daemon.store, stateDirectory: daemon.stateDirectory, daemon: InProcessDaemonLink(daemon: daemon), now: now, models: models, snapshots: snapshots)
    }
}
