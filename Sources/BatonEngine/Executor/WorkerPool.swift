/// A counting semaphore for async code: at most `limit` holders at once, waiters served in
/// order. The executor's `--workers` limit spans every run in the process; each run also
/// has one for its `maxParallel`.
public actor WorkerPool {
    public let limit: Int
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        self.limit = max(1, limit)
        self.available = max(1, limit)
    }

    public func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
