import Foundation
import GRDB
import Synchronization

/// The small writes of many runs, committed together: group commit.
///
/// Every write is handed to one serial queue of its own and the calling task waits without
/// holding a thread: a write can block for as long as SQLite's busy timeout (5 s) when
/// another process holds the lock, or for a whole revision while `apply` holds GRDB's
/// writer, and a thread of Swift's cooperative pool blocked that long starves every other
/// task (on two cores the pool has two threads). A write finding nobody writing is committed
/// at once in its own transaction; writes arriving meanwhile queue up, and the queue's
/// thread, once done, commits everything that queued in one transaction (each write in a
/// savepoint of its own, so one that fails is rolled back and reported alone). Sixteen runs
/// writing at once then cost a few commits, not sixteen.
final class GroupCommit: Sendable {
    private struct Pending: Sendable {
        let body: @Sendable (Database) throws -> Void
        let done: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var queue: [Pending] = []
        var writing = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    private let thread = DispatchQueue(label: "baton.store.commit", qos: .userInitiated)

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Pending(body: { db in box.set(try body(db)) }) { error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: box.take())
                }
            }
            let lead = state.withLock { state -> Bool in
                state.queue.append(pending)
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if lead { thread.async { self.drain() } }
        }
    }

    /// Commits what queued, batch by batch, until nothing is left (on `thread`).
    private func drain() {
        while true {
            let batch = state.withLock { state -> [Pending] in
                guard !state.queue.isEmpty else {
                    state.writing = false
                    return []
                }
                defer { state.queue.removeAll(keepingCapacity: true) }
                return state.queue
            }
            guard !batch.isEmpty else { return }
            commit(batch)
        }
    }

    private func commit(_ batch: [Pending]) {
        if batch.count == 1, let pending = batch.first {
            do {
                try pool.write { db in try pending.body(db) }
                pending.done(nil)
            } catch {
                pending.done(error)
            }
            return
        }
        var errors = [(any Error)?](repeating: nil, count: batch.count)
        do {
            try pool.write { db in
                for (index, pending) in batch.enumerated() {
                    do {
                        try db.inSavepoint {
                            try pending.body(db)
                            return .commit
                        }
                    } catch {
                        errors[index] = error
                    }
                }
            }
        } catch {
            for index in errors.indices where errors[index] == nil { errors[index] = error }
        }
        for (index, pending) in batch.enumerated() { pending.done(errors[index]) }
    }
}

/// A write's result, handed from the committing thread to the waiting task.
private final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ value: T) { lock.withLock { self.value = value } }
    func take() -> T { lock.withLock { value! } }
}
