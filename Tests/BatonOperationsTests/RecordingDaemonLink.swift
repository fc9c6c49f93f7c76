import BatonOperations
import BatonStore
import Synchronization

/// A daemon link that records what operations ask of the daemon: the one stand-in of these
/// tests (the real daemon link is exercised by the server and CLI tests).
final class RecordingDaemonLink: DaemonLink {
    private struct State {
        var pid: Int?
        var notifications = 0
        var pass: Result<ReconcilePass, OperationError>?
        var reconcileRequests = 0
    }

    private let state: Mutex<State>

    init(running pid: Int? = 4242) {
        state = Mutex(State(pid: pid))
    }

    var notifications: Int { state.withLock { $0.notifications } }
    var reconcileRequests: Int { state.withLock { $0.reconcileRequests } }

    func setRunning(_ pid: Int?) { state.withLock { $0.pid = pid } }
    func answer(_ pass: Result<ReconcilePass, OperationError>) { state.withLock { $0.pass = pass } }

    func runningPid() -> Int? { state.withLock { $0.pid } }

    func notify() async -> Bool {
        state.withLock { state in
            guard state.pid != nil else { return false }
            state.notifications += 1
            return true
        }
    }

    func reconcileNow() async throws(OperationError) -> ReconcilePass {
        let answer = state.withLock { state in
            state.reconcileRequests += 1
            return state.pass
        }
        guard let answer else { throw OperationError(.timeout, "no pass recorded") }
        return try answer.get()
    }
}
