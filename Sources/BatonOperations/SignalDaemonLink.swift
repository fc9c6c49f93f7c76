import BatonDaemon
import BatonStore
import Foundation

/// The CLI's way to the daemon: SIGUSR1 to read the mailbox, SIGHUP for a pass, and the
/// daemon's status row to see the pass it asked for (see `DaemonControl`).
public struct SignalDaemonLink: DaemonLink {
    public let stateDirectory: String
    public let store: any StateStore
    /// How long `reconcileNow` waits for the pass.
    public let timeout: Duration

    public init(stateDirectory: String, store: any StateStore, timeout: Duration = .seconds(300)) {
        self.stateDirectory = stateDirectory
        self.store = store
        self.timeout = timeout
    }

    public func runningPid() -> Int? {
        DaemonControl.pid(stateDirectory: stateDirectory).map(Int.init)
    }

    @discardableResult
    public func notify() async -> Bool {
        DaemonControl.notify(stateDirectory: stateDirectory)
    }

    public func reconcileNow() async throws(OperationError) -> ReconcilePass {
        let record: DaemonRecord
        do {
            record = try await DaemonControl.reconcileNow(stateDirectory: stateDirectory, store: store, timeout: timeout)
        } catch {
            switch error.code {
            case .notRunning: throw OperationError(.daemonNotRunning, error.message)
            case .timeout: throw OperationError(.timeout, error.message)
            default: throw OperationError(.storeFailed, error.message)
            }
        }
        guard let pass = record.lastReconcile else {
            throw OperationError(.storeFailed, "the daemon (pid \(record.pid)) finished a pass but its status row does not say what it did")
        }
        return pass
    }
}
