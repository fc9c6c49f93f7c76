import Foundation
import GRDB
import Synchronization

/// The small writes of many runs, committed together: group commit.
///
/// A write finding nobody writing runs at once, on the calling thread, in its own
/// transaction: a lone run pays its SQL and nothing else. A write arriving while another is
/// in progress waits without holding a thread, and the writer, once done, commits everything
/// that queued meanwhile in one transaction (each write in a savepoint of its own, so one
/// that fails is rolled back and reported alone). Sixteen runs writing at once then cost a
/// few commits, not sixteen, and never block the executor's threads on the database lock.
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

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let lead = state.withLock { state -> Bool in
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if lead {
            let result = Result { try pool.write(body) }
            drain()
            return try result.get()
        }
        let box = ResultBox<T>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Pending(body: { db in box.set(try body(db)) }) { error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: box.take())
                }
            }
            let leadNow = state.withLock { state -> Bool in
                if state.writing {
                    state.queue.append(pending)
                    return false
                }
                state.writing = true
                return true
            }
            if leadNow {
                commit([pending])
                drain()
            }
        }
    }

    /// Commits what queued while this thread wrote, batch by batch, until nothing is left.
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
