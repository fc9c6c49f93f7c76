#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A process told apart from any later one with the same pid: the pid and its start time in
/// clock ticks since boot (`/proc/<pid>/stat`, field 22).
///
/// What the store keeps of the process of each attempt and of the executor that owns each
/// run, so that after a crash the daemon can tell "still running" from "gone, and the pid
/// now belongs to someone else".
public struct ProcessIdentity: Sendable, Hashable, Codable {
    public var pid: Int32
    public var startTime: Int64

    public init(pid: Int32, startTime: Int64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// This process.
    public static let current: ProcessIdentity = {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTime: ProcStat.read(pid)?.startTime ?? 0)
    }()

    /// Whether this very process still runs (a zombie does not).
    public var isAlive: Bool {
        guard pid > 0, let stat = ProcStat.read(pid), !stat.hasExited else { return false }
        return stat.startTime == startTime
    }
}

/// Ends what a crashed daemon's tasks left behind, before their attempts are settled.
public enum OrphanProcesses {
    /// Terminates the process group of an attempt's process (SIGTERM, then SIGKILL after
    /// `grace`) and waits until it is gone.
    ///
    /// A process counts as the attempt's when it is the recorded process itself (same pid
    /// and start time), or a member of its group whose environment names the attempt's run
    /// (`BATON_RUN_ID`): every task process gets that variable and its children inherit it,
    /// so a group id reused by an unrelated process is never signalled. With `group` 0 (the
    /// attempt's pid was never recorded) every process is checked for the variable. Returns
    /// how many processes it found.
    @discardableResult
    public static func terminate(_ process: ProcessIdentity?, group: Int32, runID: Int64, grace: Duration = .seconds(10)) async -> Int {
        func members() -> [pid_t] {
            let candidates = group > 0 ? ProcessGroup.runningMembers(of: group) : ProcessGroup.running(where: { _ in true })
            return candidates.filter { pid in
                if pid == getpid() { return false }
                if let process, pid == process.pid, process.isAlive { return true }
                return environmentNames(pid, runID: runID)
            }
        }
        var found = members()
        let count = found.count
        guard !found.isEmpty else { return 0 }
        for pid in found { kill(pid, SIGTERM); kill(pid, SIGCONT) }
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while !found.isEmpty {
            if clock.now >= deadline {
                for pid in found { kill(pid, SIGKILL) }
            }
            try? await Task.sleep(for: .milliseconds(20))
            found = members()
        }
        return count
    }

    /// Whether `/proc/<pid>/environ` holds `BATON_RUN_ID=<runID>`.
    static func environmentNames(_ pid: pid_t, runID: Int64) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
        let needle = Array("BATON_RUN_ID=\(runID)".utf8)
        for entry in data.split(separator: 0) where entry.elementsEqual(needle) { return true }
        return false
    }
}
