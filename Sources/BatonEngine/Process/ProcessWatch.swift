#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Watches one running process on a thread of its own: copies its output to the log, enforces
/// the timeout, reacts to cancellation, reaps it, and clears out its process group.
///
/// A dedicated thread because `poll`, `read` and `waitpid` block, and blocking Swift's
/// cooperative pool (one thread per core) with a few long tasks would stall every other task
/// in Baton. Everything the thread waits for is a file descriptor (the two pipes, a pidfd of
/// the process, a cancellation pipe, pidfds of leftover group members) and the only timer is
/// `poll`'s timeout (the attempt deadline, then the SIGKILL deadline), so a process costs no
/// wake-ups beyond its own output and exit.
///
/// `@unchecked Sendable`: the mutable watch state is local to `watch()` on the thread; what
/// other threads touch (the result, the continuation, the cancellation pipe's write end) is
/// behind `shared`.
final class ProcessWatch: @unchecked Sendable {
    private struct Shared {
        var cancelWritable = true
        var outcome: ProcessOutcome?
        var continuation: CheckedContinuation<ProcessOutcome, Never>?
    }

    let child: ChildProcess
    let processStartTime: Int64?
    private let log: ProcessLog
    private let exitFd: Int32
    private let cancelRead: Int32
    private let cancelWrite: Int32
    private let timeout: UInt64?
    private let grace: UInt64
    private let startedAt: Date
    private let startedMonotonic: UInt64
    private let shared = Mutex(Shared())

    /// Takes ownership of every descriptor it is given.
    init(child: ChildProcess, exitFd: Int32, cancelPipe: (read: Int32, write: Int32), log: ProcessLog,
         timeout: Duration?, grace: Duration, startedAt: Date, startedMonotonic: UInt64) {
        self.child = child
        self.processStartTime = ProcStat.read(child.pid)?.startTime
        self.exitFd = exitFd
        self.cancelRead = cancelPipe.read
        self.cancelWrite = cancelPipe.write
        self.log = log
        self.timeout = timeout.map(Self.nanoseconds)
        self.grace = Self.nanoseconds(grace)
        self.startedAt = startedAt
        self.startedMonotonic = startedMonotonic
    }

    func start() {
        WatcherThreads.shared.run { [self] in
            let outcome = watch()
            let continuation = shared.withLock { shared in
                shared.cancelWritable = false
                close(cancelWrite)
                shared.outcome = outcome
                defer { shared.continuation = nil }
                return shared.continuation
            }
            close(cancelRead)
            continuation?.resume(returning: outcome)
        }
    }

    /// Returns once the process has exited and its group is gone.
    func outcome() async -> ProcessOutcome {
        await withCheckedContinuation { continuation in
            let ready = shared.withLock { shared -> ProcessOutcome? in
                if let outcome = shared.outcome { return outcome }
                shared.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Safe from any thread at any time, also after the watch ended (then it does nothing):
    /// the write end is only closed under the same lock.
    func cancel() {
        shared.withLock { shared in
            guard shared.cancelWritable else { return }
            var byte: UInt8 = 1
            _ = write(cancelWrite, &byte, 1)
        }
    }

    // MARK: - The watch loop

    private func watch() -> ProcessOutcome {
        let group = child.pid
        var stdoutFd: Int32? = child.stdout
        var stderrFd: Int32? = child.stderr
        var exitFd: Int32? = self.exitFd
        var listensForCancel = true
        var status: Int32?
        var groupGone = false
        var terminating = false, killed = false
        var killDeadline: UInt64 = 0
        var timedOut = false, cancelled = false
        var members: [pid_t: Int32] = [:]
        let deadline = timeout.map { startedMonotonic &+ $0 }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64 * 1024)
        defer { buffer.deallocate() }
        var fds: [pollfd] = []
        fds.reserveCapacity(8)

        /// SIGTERM (and SIGCONT, so stopped members can act on it) to the whole group now,
        /// SIGKILL at the grace deadline.
        func beginTermination() {
            guard !terminating else { return }
            terminating = true
            if grace == 0 {
                kill(-group, SIGKILL)
                killed = true
            } else {
                kill(-group, SIGTERM)
                kill(-group, SIGCONT)
                killDeadline = Self.monotonicNow() &+ grace
            }
        }

        /// After the leader is reaped: lists the members still running and waits on a pidfd
        /// of each. A pidfd is checked against the group after it is opened, so a pid reused
        /// between the scan and the open is never mistaken for a member.
        func refreshMembers() {
            let running = Set(ProcessGroup.runningMembers(of: group))
            for (pid, fd) in members where !running.contains(pid) {
                close(fd)
                members[pid] = nil
            }
            for pid in running where members[pid] == nil {
                guard let fd = ProcessExitSignal.pidfd(pid) else { continue }
                guard let stat = ProcStat.read(pid), stat.processGroup == group, !stat.hasExited else {
                    close(fd)
                    continue
                }
                members[pid] = fd
            }
            groupGone = running.isEmpty
        }

        func readPipe(_ fd: Int32, _ stream: ProcessLog.Stream) -> Bool {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n > 0 {
                log.append(UnsafeBufferPointer(rebasing: buffer[..<n]), from: stream)
                return true
            }
            if n < 0, errno == EAGAIN || errno == EINTR { return true }
            log.finish(stream)
            close(fd)
            return false
        }

        while status == nil || !groupGone {
            fds.removeAll(keepingCapacity: true)
            if let fd = stdoutFd { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let fd = stderrFd { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let fd = exitFd { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if listensForCancel { fds.append(pollfd(fd: cancelRead, events: Int16(POLLIN), revents: 0)) }
            for fd in members.values { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }

            var next: UInt64?
            if status == nil, !terminating, let deadline { next = deadline }
            if terminating, !killed { next = min(next ?? .max, killDeadline) }
            // Without pidfds, leftover members can only be checked on an interval.
            if status != nil, members.isEmpty, !groupGone { next = min(next ?? .max, Self.monotonicNow() &+ 50_000_000) }
            var wait: Int32 = -1
            if let next {
                let now = Self.monotonicNow()
                wait = next <= now ? 0 : Int32(clamping: (next - now + 999_999) / 1_000_000)
            }

            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0, errno != EINTR {
                // Should not happen (the set is small and valid); never spin or hang on it:
                // end the group and fall back to a blocking reap.
                kill(-group, SIGKILL)
                killed = true
                if status == nil {
                    var raw: Int32 = 0
                    while waitpid(group, &raw, 0) < 0, errno == EINTR {}
                    status = raw
                }
                groupGone = true
                break
            }

            var refresh = false
            for entry in fds where entry.revents != 0 {
                switch entry.fd {
                case stdoutFd: if !readPipe(entry.fd, .stdout) { stdoutFd = nil }
                case stderrFd: if !readPipe(entry.fd, .stderr) { stderrFd = nil }
                case exitFd:
                    var raw: Int32 = 0
                    var reaped: pid_t
                    repeat { reaped = waitpid(group, &raw, WNOHANG) } while reaped < 0 && errno == EINTR
                    guard reaped == group else { continue }
                    status = raw
                    close(entry.fd)
                    exitFd = nil
                    // The common case costs one syscall: nobody else was in the group.
                    if ProcessGroup.isEmpty(group) {
                        groupGone = true
                    } else {
                        refreshMembers()
                        // Leftovers (`sleep 1000 &`) would hold the pipes or run on unseen;
                        // the task is over, so they go the way a timeout would send them.
                        if !groupGone { beginTermination() }
                    }
                case cancelRead:
                    var byte: UInt8 = 0
                    _ = read(cancelRead, &byte, 1)
                    listensForCancel = false
                    if status == nil {
                        cancelled = true
                        beginTermination()
                    }
                default:
                    if let pid = members.first(where: { $0.value == entry.fd })?.key {
                        close(entry.fd)
                        members[pid] = nil
                        refresh = true
                    }
                }
            }

            let now = Self.monotonicNow()
            if status == nil, !terminating, let deadline, now >= deadline {
                timedOut = true
                beginTermination()
            }
            if terminating, !killed, now >= killDeadline {
                // Once the leader is reaped the group id is only safe to signal while a
                // member still holds it, so look again right before the SIGKILL.
                if status != nil { refreshMembers() }
                if !groupGone { kill(-group, SIGKILL) }
                killed = true
                refresh = true
            }
            if status != nil, !groupGone, refresh || members.isEmpty { refreshMembers() }
            log.flush()
        }

        // Every writer in the group is dead, so what is left in the pipes is finite; a
        // process that left the group (setsid) and still holds them is not waited for.
        for (fd, stream) in [(stdoutFd, ProcessLog.Stream.stdout), (stderrFd, .stderr)] {
            guard let fd else { continue }
            for _ in 0..<64 {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n > 0 {
                    log.append(UnsafeBufferPointer(rebasing: buffer[..<n]), from: stream)
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    break  // end of file, or nothing more for now
                }
            }
            log.finish(stream)
            close(fd)
        }
        for fd in members.values { close(fd) }
        if let exitFd { close(exitFd) }
        log.close()

        let raw = status ?? 0
        let exited = raw & 0x7f == 0
        return ProcessOutcome(
            exitCode: exited ? (raw >> 8) & 0xff : nil,
            signal: exited ? nil : raw & 0x7f,
            timedOut: timedOut,
            cancelled: cancelled,
            startedAt: startedAt,
            endedAt: Date(),
            pid: child.pid,
            processStartTime: processStartTime,
            logBytes: log.bytesWritten,
            logTruncated: log.truncated,
            logError: log.writeError
        )
    }

    static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
