import Foundation
import Synchronization

/// The delivery ids of recently accepted webhooks, so the same signed request sent again (a
/// replay by whoever captured it) starts nothing.
///
/// Kept in memory for `window` and at most `capacity` ids: enough for any forge's retries and
/// a restart forgets them, which costs at most one extra reconcile pass (a pass is harmless;
/// a second one of the same commit writes nothing).
final class DeliveryLedger: Sendable {
    private struct State {
        var seen: [String: Date] = [:]
        var order: [(id: String, at: Date)] = []
    }

    let window: TimeInterval
    let capacity: Int
    private let state = Mutex(State())

    init(window: TimeInterval = 24 * 3600, capacity: Int = 10_000) {
        self.window = window
        self.capacity = capacity
    }

    /// Records `id`; false when it was already seen within the window.
    func firstSighting(_ id: String, at now: Date) -> Bool {
        state.withLock { state in
            // Expire from the front: ids are appended in time order.
            var drop = 0
            while drop < state.order.count, now.timeIntervalSince(state.order[drop].at) > window || state.order.count - drop >= capacity {
                state.seen[state.order[drop].id] = nil
                drop += 1
            }
            if drop > 0 { state.order.removeFirst(drop) }
            if state.seen[id] != nil { return false }
            state.seen[id] = now
            state.order.append((id, now))
            return true
        }
    }
}
