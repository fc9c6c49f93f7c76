#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A file descriptor that becomes readable when a process exits, so the watcher can wait on
/// exit, output and timers in one `poll` instead of polling `waitpid` on an interval.
///
/// A pidfd (Linux 5.3+, `pidfd_open` through `GNULibc`). Where none is available, a helper
/// thread blocks in `waitid(WNOWAIT)` and writes to a pipe: the same event, one thread more.
enum ProcessExitSignal {
    /// Opens a descriptor readable once `pid` has exited (it may be another process's child:
    /// that is how leftover members of a group are awaited). Nil when `pid` is gone already
    /// or pidfds are unsupported.
    static func pidfd(_ pid: pid_t) -> Int32? {
        guard let open = GNULibc.shared.pidfdOpen else { return nil }
        let fd = open(pid, 0)
        return fd >= 0 ? fd : nil
    }

    static var pidfdsAreSupported: Bool { GNULibc.shared.pidfdOpen != nil }

    /// For our own child only, when pidfds are unsupported. `WNOWAIT` leaves it a zombie for
    /// the watcher to reap, so its pid (and process group id) cannot be reused meanwhile.
    static func waiterPipe(_ pid: pid_t) -> Int32? {
        guard let (readEnd, writeEnd) = GNULibc.shared.closeOnExecPipe() else { return nil }
        let thread = Thread {
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
            close(writeEnd)
        }
        thread.stackSize = 64 * 1024
        thread.start()
        return readEnd
    }
}
