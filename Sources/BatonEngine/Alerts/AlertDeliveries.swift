import Foundation
import Synchronization

/// The alert deliveries still in flight, so a graceful stop can wait for them.
///
/// Alerts go out on tasks of their own (a run never waits for its webhook), and a process
/// that returns from `main` takes those tasks with it: the failure alert of a run that ended
/// a moment before SIGTERM was lost. Each delivery is registered here when it is started,
/// synchronously, so whatever started before `drain` is called is waited for.
public final class AlertDeliveries: Sendable {
    private struct State {
        var next = 0
        var tasks: [Int: Task<Void, Never>] = [:]
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The current drain's time is up: it waits no more.
        var expired = false
    }

    private let state = Mutex(State())

    public init() {}

    /// How many deliveries are in flight.
    public var count: Int { state.withLock { $0.tasks.count } }

    /// Starts `work` on a task of its own (not the caller's: a cancelled run must not cancel
    /// the alert about it) and keeps track of it until it returns.
    public func start(_ work: @escaping @Sendable () async -> Void) {
        // The task removes itself when done; registering it under the lock before it can
        // finish keeps the two in order.
        state.withLock { state in
            let id = state.next
            state.next += 1
            state.tasks[id] = Task.detached { [weak self] in
                await work()
                self?.finished(id)
            }
        }
    }

    /// Waits until every delivery in flight has returned, or `limit` has passed; then
    /// cancels what is left (an HTTP request in progress is abandoned, a command alert's
    /// process is terminated) and returns how many were cut short.
    public func drain(upTo limit: Duration) async -> Int {
        state.withLock { $0.expired = false }
        let timer = Task {
            try? await Task.sleep(for: limit)
            let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.expired = true
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        // Each waiter is resumed once: by whoever takes it out of the list, under the lock.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                guard !state.tasks.isEmpty, !state.expired else { return true }
                state.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        timer.cancel()
        let left = state.withLock { Array($0.tasks.values) }
        for task in left { task.cancel() }
        for task in left { await task.value }
        return left.count
    }

    private func finished(_ id: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.tasks[id] = nil
            guard state.tasks.isEmpty else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
