#if canImport(Glibc)
import Glibc
#endif

/// The processes of one process group, found by scanning `/proc`.
///
/// Needed only when a group outlives its leader: the kernel has no event for "the group is
/// now empty", and `kill(-pgid, 0)` still counts zombies that init has not reaped yet (in a
/// container, PID 1 may take seconds or never). So the watcher lists the members that still
/// run and waits on a pidfd of each.
enum ProcessGroup {
    /// Members of `group` that have not exited. Zombies whose parent is us (Baton running as
    /// a subreaper or as PID 1 in a container inherits orphans) are reaped on the way, since
    /// nobody else will.
    static func runningMembers(of group: pid_t) -> [pid_t] { running(where: { $0.processGroup == group }) }

    /// Every process that has not exited and matches `filter`.
    static func running(where filter: (ProcStat) -> Bool) -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        let me = getpid()
        var members: [pid_t] = []
        while let entry = readdir(directory) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { name -> pid_t in
                var value: pid_t = 0
                for byte in name {
                    if byte == 0 { break }
                    guard byte >= 48, byte <= 57 else { return 0 }
                    value = value * 10 + pid_t(byte - 48)
                }
                return value
            }
            guard pid > 0, let stat = ProcStat.read(pid), filter(stat) else { continue }
            if stat.hasExited {
                if stat.parent == me { _ = waitpid(pid, nil, WNOHANG) }
                continue
            }
            members.append(pid)
        }
        return members
    }

    /// True when no process of the group is left, zombies included; the cheap first check.
    static func isEmpty(_ group: pid_t) -> Bool {
        kill(-group, 0) != 0 && errno == ESRCH
    }
}
