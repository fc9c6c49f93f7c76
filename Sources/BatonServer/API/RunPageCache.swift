import BatonOperations
import Hummingbird
import Synchronization

/// Answers to `GET /api/v1/runs`, kept while the store does not change.
///
/// Dashboards and scripts poll the newest runs; between two commits to the store every poll
/// would read and encode the same page again. An answer is kept under the store's change
/// count (`StateStore.changeCount()`, which moves with any process's commit) read *before*
/// the page was read, so a kept answer is never older than its count; the first request after
/// a commit reads the store afresh and the old answers are dropped. Bounded to `limit`
/// distinct queries per count.
final class RunPageCache: Sendable {
    private struct Pages {
        var change: Int64 = .min
        var bodies: [RunsRequest: ByteBuffer] = [:]
    }

    private let pages = Mutex(Pages())
    private let limit: Int

    init(limit: Int = 256) {
        self.limit = limit
    }

    /// The answer kept for `request` while the store's count is `change`.
    func body(for request: RunsRequest, change: Int64) -> ByteBuffer? {
        pages.withLock { $0.change == change ? $0.bodies[request] : nil }
    }

    /// Keeps `body`, read after the store's count was `change`.
    func keep(_ body: ByteBuffer, for request: RunsRequest, change: Int64) {
        pages.withLock { pages in
            if pages.change != change {
                pages = Pages(change: change)
            }
            guard pages.bodies.count < limit else { return }
            pages.bodies[request] = body
        }
    }
}
