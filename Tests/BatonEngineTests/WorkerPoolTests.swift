@testable import BatonEngine
import BatonStore
import Foundation
import Synchronization
import Testing

/// The `--workers` pool: a task cancelled while it waits for a worker stops waiting at once,
/// holds no slot, and the slot it would have had goes to the next in line; through the
/// executor, a run whose timeout expires (or that is cancelled) while waiting ends promptly.
@Suite struct WorkerPoolTests {
    /// True for the first caller only.
    final class Once: Sendable {
        private let claimed = Mutex(false)
        func claim() -> Bool {
            claimed.withLock { value in
                defer { value = true }
                return !value
            }
        }
    }

    /// `task`'s result, or `nil` when it has not finished within `limit` (it is left running),
    /// so a regression fails the test instead of hanging it.
    static func outcome<T: Sendable>(of task: Task<T, any Error>, within limit: Duration) async -> Result<T, any Error>? {
        let once = Once()
        return await withCheckedContinuation { continuation in
            Task {
                let result = await task.result
                if once.claim() { continuation.resume(returning: result) }
            }
            Task {
                try? await Task.sleep(for: limit)
                if once.claim() { continuation.resume(returning: nil) }
            }
        }
    }

    /// Polls a condition the pool gives no event for (a waiter joining the queue).
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + .seconds(10)
        while !condition() {
            if ContinuousClock.now > end { return false }
            await Task.yield()
        }
        return true
    }

    @Test func aCancelledWaiterStopsAtOnceAndTheNextWaiterIsServed() async throws {
        let pool = WorkerPool(limit: 1)
        try await pool.acquire()
        let cancelled = Task { try await pool.acquire() }
        #expect(await Self.eventually { pool.counts.waiting == 1 })
        let next = Task { try await pool.acquire() }
        #expect(await Self.eventually { pool.counts.waiting == 2 })

        cancelled.cancel()
        let result = try #require(await Self.outcome(of: cancelled, within: .seconds(5)), "the cancelled waiter still waits")
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(pool.counts.waiting == 1)

        pool.release()
        let served = try #require(await Self.outcome(of: next, within: .seconds(5)), "the next waiter was not served")
        try served.get()
        #expect(pool.counts.available == 0, "the next waiter holds the only slot")
        pool.release()
        #expect(pool.counts.available == 1)
    }

    @Test func aCancelledTaskTakesNoFreeSlot() async throws {
        let pool = WorkerPool(limit: 1)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await pool.acquire()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(pool.counts.available == 1)
    }

    /// Cancellations racing releases and new waiters, many times over: when everything has
    /// settled, every slot is back and nobody is queued.
    @Test func cancellationsRacingReleasesLoseAndDuplicateNoSlot() async throws {
        let pool = WorkerPool(limit: 2)
        for round in 0..<200 {
            var tasks: [Task<Bool, Never>] = []
            for index in 0..<8 {
                tasks.append(Task {
                    do {
                        try await pool.acquire()
                    } catch {
                        return false
                    }
                    await Task.yield()
                    pool.release()
                    return true
                })
                if (index + round) % 3 == 0 { tasks[index].cancel() }
            }
            for (index, task) in tasks.enumerated() where (index + round) % 3 == 1 {
                await Task.yield()
                task.cancel()
            }
            for task in tasks { _ = await task.value }
            #expect(pool.counts.available == 2 && pool.counts.waiting == 0, "round \(round): \(pool.counts)")
        }
    }

    @Test func aRunWhoseTimeoutExpiresWhileWaitingForAWorkerEndsAsTimedOut() async throws {
        let bench = try RunExecutorTests.Bench()
        let executor = bench.executor(workers: 1)
        // Every worker busy, as if another run held it.
        try await executor.workers.acquire()
        let request = try bench.request(RunExecutorTests.manifest(#"{"id": "waits", "run": "true"}"#, extra: #", "timeout": "300ms""#))
        // The worker is never released, so the run can only end through its timeout; the
        // bound below only keeps a regression from hanging the suite.
        let run = Task { try await executor.execute(request) }
        let finished = await Self.outcome(of: run, within: .seconds(30))
        if finished == nil { executor.workers.release() }
        let result = try #require(try finished?.get(), "the run still waits for a worker after its timeout")
        #expect(result.run.state == .timedOut)
        #expect(result.tasks.first?.state == .cancelled)
        let attempts = try await bench.store.attempts(ofRun: try #require(result.run.id))
        #expect(attempts.map(\.state) == [TaskState.cancelled])
        #expect(attempts.first?.reason == "cancelled while waiting for a worker")
        #expect(executor.workers.counts.available == 0 && executor.workers.counts.waiting == 0, "no slot was taken or lost")
        executor.workers.release()
    }

    @Test func aRunCancelledWhileWaitingForAWorkerEndsAtOnce() async throws {
        let bench = try RunExecutorTests.Bench()
        let executor = bench.executor(workers: 1)
        try await executor.workers.acquire()
        let request = try bench.request(RunExecutorTests.manifest(#"{"id": "waits", "run": "true"}, {"id": "after", "needs": ["waits"], "run": "true"}"#))
        let run = Task { try await executor.execute(request) }
        #expect(await Self.eventually { executor.workers.counts.waiting == 1 })
        run.cancel()
        let finished = await Self.outcome(of: run, within: .seconds(10))
        if finished == nil { executor.workers.release() }
        let result = try #require(try finished?.get(), "the cancelled run still waits for a worker")
        #expect(result.run.state == .cancelled)
        #expect(result.tasks.map(\.state) == [.cancelled, .cancelled])
        executor.workers.release()
        #expect(executor.workers.counts.available == 1)
    }
}
