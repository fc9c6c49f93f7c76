#if canImport(Glibc)
import Glibc
#endif
import BatonStore
import Foundation

/// How the other commands reach a running daemon: by the pid in its lock file, with a
/// signal, and through the store.
///
/// SIGHUP asks for a reconcile pass now; SIGUSR1 asks it to read what the command left in
/// the store (a queued run, a cancel request, a suspension). Without a daemon the command
/// still writes to the store, and a daemon started later reads it.
public enum DaemonControl {
    /// The running daemon's pid, or nil.
    public static func pid(stateDirectory: String) -> pid_t? {
        DaemonLock.holder(stateDirectory: stateDirectory)
    }

    /// Sends SIGUSR1 if a daemon runs; returns whether one did.
    @discardableResult
    public static func notify(stateDirectory: String) -> Bool {
        guard let pid = pid(stateDirectory: stateDirectory) else { return false }
        return kill(pid, SIGUSR1) == 0
    }

    /// Asks the running daemon for a reconcile pass and waits for it; returns the daemon's
    /// record after that pass.
    public static func reconcileNow(stateDirectory: String, store: any StateStore, timeout: Duration = .seconds(300)) async throws(DaemonError) -> DaemonRecord {
        guard let pid = pid(stateDirectory: stateDirectory) else {
            throw DaemonError(.notRunning, "no baton serve runs on \(stateDirectory); start it, or use `baton reconcile --once`")
        }
        let before: Int
        do { before = try await store.daemon()?.reconcileCount ?? 0 } catch { throw DaemonError(.io, error.message) }
        guard kill(pid, SIGHUP) == 0 else { throw DaemonError(.notRunning, "cannot signal the daemon (pid \(pid)): \(String(cString: strerror(errno)))") }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        // A read that fails (the database busy past its timeout) is tried again; if reads
        // keep failing, the timeout's message says why.
        var lastError: StoreError?
        while clock.now < deadline {
            do {
                if let record = try await store.daemon(), record.reconcileCount > before { return record }
                lastError = nil
            } catch {
                lastError = error
            }
            // Cancelled (Ctrl-C): the loop ends at the deadline check or the next read.
            try? await Task.sleep(for: .milliseconds(50))
            if Task.isCancelled { break }
        }
        throw DaemonError(.timeout, "the daemon (pid \(pid)) did not finish a pass within \(timeout)\(lastError.map { "; the store could not be read: \($0.message)" } ?? "")")
    }
}
