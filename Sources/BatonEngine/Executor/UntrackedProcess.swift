import Synchronization

/// Set by an attempt's start hook when the process's pid could not be recorded.
///
/// Crash recovery finds a task's process by the pid in its attempt; a process whose pid the
/// store refused would run untracked (a daemon crash would leave it running, unseen). The hook
/// kills its process group at once and leaves the store's error here, and the attempt fails
/// with it.
final class UntrackedProcess: Sendable {
    private let error = Mutex<String?>(nil)

    func set(_ message: String) { error.withLock { $0 = message } }

    var message: String? { error.withLock { $0 } }
}
