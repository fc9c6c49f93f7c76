import Foundation

/// Threads of their own (not Swift's cooperative pool) on which the store may read in place.
///
/// A read normally hops to one of GRDB's reader queues and resumes the caller when done, so
/// that no thread of the cooperative pool waits on SQLite. A thread that is nobody's pool,
/// such as the HTTP server's lower-priority threads (`BackgroundExecutor` in BatonServer),
/// may wait instead, and then the read runs on that thread, at that thread's priority: a
/// dashboard's reads stay below the daemon's work rather than running on GRDB's threads
/// beside it.
public enum BlockingReadThread {
    private static let key = "baton.store.blockingReads"

    /// Marks the calling thread: store reads made on it run on it. Only for threads the
    /// caller owns and that run nothing else that must not wait.
    public static func markCurrent() {
        Thread.current.threadDictionary[key] = true
    }

    static var isCurrent: Bool {
        Thread.current.threadDictionary[key] as? Bool == true
    }
}
