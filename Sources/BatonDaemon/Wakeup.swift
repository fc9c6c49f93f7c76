import Foundation
import Synchronization

/// A sleep that something else can cut short: the scheduler sleeps until its next fire time,
/// and a reconcile that changed the schedule wakes it at once. The reconcile loop uses
/// another for its interval, cut short by SIGHUP and `baton reconcile --now`.
///
/// A poke while nobody sleeps is remembered, so a wake-up that races the start of a sleep
/// is never lost.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        var generation = 0
    }

    private let state = Mutex(State())

    func poke() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at `deadline` (nil: never by itself), on a poke, or when the task is cancelled.
    func sleep(until deadline: Date?) async {
        let generation = state.withLock { state -> Int? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.generation += 1
            return state.generation
        }
        guard let generation else { return }
        let timer: Task<Void, Never>? = deadline.map { deadline in
            Task { [weak self] in
                let delay = deadline.timeIntervalSinceNow
                if delay > 0 { try? await Task.sleep(for: .milliseconds(Int64((delay * 1000).rounded(.up)))) }
                guard !Task.isCancelled else { return }
                self?.resume(generation)
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || state.generation != generation {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.resume(generation)
        }
        timer?.cancel()
    }

    private func resume(_ generation: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation, let waiter = state.waiter else {
                // Not asleep yet: make the coming wait return at once.
                if state.generation == generation { state.generation += 1 }
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}
