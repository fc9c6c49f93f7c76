import Synchronization

/// A counting semaphore for async code: at most `limit` holders at once, waiters served in
/// order. The executor's `--workers` limit spans every run in the process.
///
/// A lock rather than an actor: taking a free slot is the common case and costs no hop to
/// another executor, which for a run of short tasks was a noticeable share of each task.
///
/// Waiting ends with the waiting task's cancellation: a run cancelled or timed out while its
/// task waits for a worker must end now, not when some other run lets a worker go. A
/// cancelled waiter never holds a slot: it leaves the queue, and a slot handed to it in the
/// instant before it saw its cancellation goes on to the next waiter.
public final class WorkerPool: Sendable {
    public let limit: Int
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        /// Waiters whose cancellation handler ran before they joined the queue: they must
        /// not join it.
        var cancelledEarly: Set<UInt64> = []
    }
    private let state: Mutex<State>
    /// Told the number of waiters whenever it changes, under the lock (so values arrive in
    /// order); it must be quick and must not call back into the pool.
    private let observe: @Sendable (Int) -> Void

    /// - Parameter observe: the daemon's queue-depth gauge; nothing by default.
    public init(limit: Int, observe: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.limit = max(1, limit)
        self.state = Mutex(State(available: max(1, limit)))
        self.observe = observe
    }

    /// Takes a slot, waiting in line for one if none is free.
    ///
    /// - Throws: `CancellationError` when the calling task is (or becomes, while waiting)
    ///   cancelled; no slot is held then, so the caller must not ``release()``.
    public func acquire() async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64? in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    enum Decision { case wait, take, cancelled }
                    let decision = state.withLock { state -> Decision in
                        // The handler may run before this closure: then it left a mark instead
                        // of a waiter to remove.
                        if state.cancelledEarly.remove(id) != nil { return .cancelled }
                        if state.available > 0 {
                            state.available -= 1
                            return .take
                        }
                        state.waiters.append(Waiter(id: id, continuation: continuation))
                        observe(state.waiters.count)
                        return .wait
                    }
                    switch decision {
                    case .wait: break
                    case .take: continuation.resume()
                    case .cancelled: continuation.resume(throwing: CancellationError())
                    }
                }
            } onCancel: {
                let waiter = state.withLock { state -> Waiter? in
                    if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                        defer { observe(state.waiters.count) }
                        return state.waiters.remove(at: index)
                    }
                    // Not queued yet (or already served, in which case the mark is dropped below).
                    state.cancelledEarly.insert(id)
                    return nil
                }
                waiter?.continuation.resume(throwing: CancellationError())
            }
        } catch {
            forget(id)
            throw error
        }
        // Once `withTaskCancellationHandler` returns its handler has finished, so no mark of
        // this waiter can appear after this.
        forget(id)
        // Served a slot just as it was cancelled: it goes to the next waiter.
        if Task.isCancelled {
            release()
            throw CancellationError()
        }
    }

    /// Free slots and queued waiters (for tests).
    var counts: (available: Int, waiting: Int) {
        state.withLock { ($0.available, $0.waiters.count) }
    }

    private func forget(_ id: UInt64) {
        state.withLock { _ = $0.cancelledEarly.remove(id) }
    }

    /// Gives a slot back: to the first waiter, or to the pool.
    public func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            defer { observe(state.waiters.count) }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
