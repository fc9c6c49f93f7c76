import BatonReconciler
import Foundation
import Synchronization

/// What the reconcile loop has done since the daemon started, as the in-process companions
/// (the HTTP server) see it: `/readyz` judges readiness by it, and a push webhook or an API
/// call that asks for a pass waits on it for that pass's outcome.
///
/// A value, read whole, so a reader never sees the pass count of one pass and the failure
/// streak of another.
public struct ReconcileFacts: Sendable, Hashable {
    /// Passes finished since the daemon started.
    public var passes: Int
    /// Passes asked for in-process (`DaemonHandle.reconcileNow`, `requestReconcile`); SIGHUP
    /// is not counted. Lets a test tell "no pass was asked for" without waiting for one.
    public var requests: Int
    /// When the last pass ended, whatever its outcome.
    public var lastPassAt: Date?
    /// When the last pass that reached the source and judged a commit ended.
    public var lastSuccessAt: Date?
    /// Failed passes in a row (0 after a pass that judged a commit, even a rejected one: a
    /// rejected commit is the repository's problem, not the daemon's).
    public var consecutiveFailures: Int
    /// When the current failure streak began (the end of its first failed pass); nil while
    /// passes succeed.
    public var failingSince: Date?
    /// The last failure's message, while failing.
    public var lastError: String?
    /// The configured interval between passes.
    public var interval: TimeInterval

    public init(passes: Int = 0, requests: Int = 0, lastPassAt: Date? = nil, lastSuccessAt: Date? = nil, consecutiveFailures: Int = 0,
                failingSince: Date? = nil, lastError: String? = nil, interval: TimeInterval) {
        self.passes = passes
        self.requests = requests
        self.lastPassAt = lastPassAt
        self.lastSuccessAt = lastSuccessAt
        self.consecutiveFailures = consecutiveFailures
        self.failingSince = failingSince
        self.lastError = lastError
        self.interval = interval
    }
}

/// How one pass ended: the reconciler's report (applied, unchanged or rejected), or why it
/// could not judge a commit at all.
public enum ReconcilePassResult: Sendable {
    case reconciled(ReconcileReport)
    case failed(ReconcileError)
}

/// The loop's side of `ReconcileFacts`, and the waiters for "the next pass that starts after
/// I asked".
///
/// A lock, not an actor: the loop records a pass without a hop, and `/readyz` reads the facts
/// without queueing behind a pass that may take minutes.
final class ReconcileProgress: Sendable {
    private struct Waiter {
        var id: UInt64
        /// The first pass index that answers this waiter.
        var target: Int
        var continuation: CheckedContinuation<ReconcilePassResult?, Never>
    }

    private struct State {
        var facts: ReconcileFacts
        /// Passes started; the index (from 1) of the pass running or last run.
        var started = 0
        var lastResult: (index: Int, result: ReconcilePassResult)?
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        var cancelledEarly: Set<UInt64> = []
        var closed = false
    }

    private let state: Mutex<State>

    init(interval: TimeInterval) {
        state = Mutex(State(facts: ReconcileFacts(interval: interval)))
    }

    var facts: ReconcileFacts { state.withLock { $0.facts } }

    /// Counts a request and returns the index of the pass under way (or last run), so the
    /// caller waits for a later one: a pass already fetching may have fetched before a push.
    func requested() -> Int {
        state.withLock { state in
            state.facts.requests += 1
            return state.started
        }
    }

    /// The loop starts a pass; returns its index.
    func passStarted() -> Int {
        state.withLock { state in
            state.started += 1
            return state.started
        }
    }

    /// The loop ended pass `index`; answers every waiter it satisfies.
    func passFinished(_ index: Int, _ result: ReconcilePassResult, at time: Date) {
        let ready = state.withLock { state -> [CheckedContinuation<ReconcilePassResult?, Never>] in
            state.facts.passes += 1
            state.facts.lastPassAt = time
            switch result {
            case .reconciled:
                state.facts.lastSuccessAt = time
                state.facts.consecutiveFailures = 0
                state.facts.failingSince = nil
                state.facts.lastError = nil
            case .failed(let error):
                if state.facts.consecutiveFailures == 0 { state.facts.failingSince = time }
                state.facts.consecutiveFailures += 1
                state.facts.lastError = error.description
            }
            state.lastResult = (index, result)
            let answered = state.waiters.filter { $0.target <= index }
            state.waiters.removeAll { $0.target <= index }
            return answered.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: result) }
    }

    /// No more passes: every waiter gets nil.
    func close() {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// The outcome of the first pass with an index above `index`; nil when the loop stops
    /// first or the calling task is cancelled.
    func result(ofPassAfter index: Int) async -> ReconcilePassResult? {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        // A cancellation that came after the answer leaves a mark; dropped once the handler
        // has finished (when `withTaskCancellationHandler` returns).
        defer { _ = state.withLock { $0.cancelledEarly.remove(id) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ReconcilePassResult?, Never>) in
                enum Decision { case wait, answer(ReconcilePassResult?) }
                let decision = state.withLock { state -> Decision in
                    if state.cancelledEarly.remove(id) != nil || state.closed { return .answer(nil) }
                    if let last = state.lastResult, last.index > index { return .answer(last.result) }
                    state.waiters.append(Waiter(id: id, target: index + 1, continuation: continuation))
                    return .wait
                }
                if case .answer(let result) = decision { continuation.resume(returning: result) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if let position = state.waiters.firstIndex(where: { $0.id == id }) { return state.waiters.remove(at: position) }
                state.cancelledEarly.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: nil)
        }
    }
}
