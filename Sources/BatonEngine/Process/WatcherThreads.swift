import Foundation
import Synchronization

/// The threads process watchers run on, kept after a watch ends and reused by the next one.
///
/// Starting a thread cost about as much as the rest of a short task's bookkeeping; a daemon
/// starting thousands of short tasks keeps a few threads parked instead. A parked thread
/// waits on a semaphore (no wake-ups while idle) and exits after `idleLimit` without work,
/// so a burst of 200 parallel tasks does not leave 200 threads behind for good.
final class WatcherThreads: Sendable {
    static let shared = WatcherThreads()

    private struct State {
        var work: [@Sendable () -> Void] = []
        var idle = 0
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let idleLimit: DispatchTimeInterval = .seconds(30)

    /// Runs `body` on a parked thread, or on a new one if none is free.
    func run(_ body: @escaping @Sendable () -> Void) {
        let reuse = state.withLock { state -> Bool in
            state.work.append(body)
            guard state.idle > 0 else { return false }
            state.idle -= 1
            return true
        }
        if reuse {
            available.signal()
            return
        }
        let thread = Thread { [self] in loop() }
        // The watch loop needs little stack; a small one keeps a fan-out of hundreds cheap.
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Invariant: the threads waiting on `available` are `idle` plus the signals on the way
    /// to them; so a thread whose wait timed out may leave only while `idle` counts one it
    /// can take away, and otherwise a signal (and work) is coming to it.
    private func loop() {
        while true {
            let next = state.withLock { state -> (@Sendable () -> Void)? in
                if !state.work.isEmpty { return state.work.removeFirst() }
                state.idle += 1
                return nil
            }
            if let next {
                next()
                continue
            }
            if available.wait(timeout: .now() + idleLimit) == .timedOut {
                let leave = state.withLock { state -> Bool in
                    guard state.idle > 0 else { return false }
                    state.idle -= 1
                    return true
                }
                if leave { return }
                available.wait()
            }
        }
    }
}
