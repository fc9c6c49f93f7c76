#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs the processes of process tasks: one call, one attempt.
///
/// Stateless and `Sendable`, so the executor can run as many attempts at once as it has
/// workers; each running process has one watcher thread of its own (see `ProcessWatch`).
public struct ProcessRunner: Sendable {
    public init() {}

    /// Starts the process in its own process group, calls `started(pid, processStartTime)`
    /// once it runs (the executor records the attempt before waiting, so a crash of Baton
    /// never loses track of a process it started), streams stdout and stderr to the log line
    /// by line, and returns when the process has exited AND its group is gone.
    ///
    /// Processes the task left behind in its group when it exited are terminated like on a
    /// timeout (SIGTERM, SIGKILL after `killGrace`): a task is over when its process is, and a
    /// background child holding the pipes must not keep the run waiting.
    ///
    /// Task cancellation terminates the group the same way and returns with `cancelled`.
    /// If the task is already cancelled, nothing is started: the outcome has pid 0 and
    /// `cancelled`, and `started` is not called.
    ///
    /// - Throws: `EngineError(.spawn)` naming the program or directory when the process
    ///   cannot start; `EngineError(.io)` when the log file cannot be created.
    public func run(
        _ spec: ProcessSpec,
        started: @Sendable (Int32, Int64?) async -> Void
    ) async throws(EngineError) -> ProcessOutcome {
        if Task.isCancelled {
            let now = Date()
            return ProcessOutcome(
                exitCode: nil, signal: nil, timedOut: false, cancelled: true, startedAt: now, endedAt: now,
                pid: 0, processStartTime: nil, logBytes: 0, logTruncated: false
            )
        }
        let log = try ProcessLog(path: spec.logPath, limit: spec.logLimit, redactions: spec.redactions)
        guard let cancelPipe = GNULibc.shared.closeOnExecPipe(nonBlocking: true) else {
            throw EngineError(.spawn, "cannot create a pipe: \(lastError())")
        }
        let startedAt = Date()
        let startedMonotonic = ProcessWatch.monotonicNow()
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(spec)
        } catch {
            close(cancelPipe.read); close(cancelPipe.write)
            throw error
        }
        guard let exitFd = ProcessExitSignal.pidfd(child.pid) ?? ProcessExitSignal.waiterPipe(child.pid) else {
            // Without a way to notice its exit the process cannot be watched: do not leave it
            // running unobserved.
            let message = lastError()
            kill(-child.pid, SIGKILL)
            while waitpid(child.pid, nil, 0) < 0, errno == EINTR {}
            close(child.stdout); close(child.stderr); close(cancelPipe.read); close(cancelPipe.write)
            throw EngineError(.spawn, "cannot watch the started process \(child.pid): \(message)")
        }
        let watch = ProcessWatch(
            child: child, exitFd: exitFd, cancelPipe: cancelPipe, log: log,
            timeout: spec.timeout, grace: spec.killGrace, startedAt: startedAt, startedMonotonic: startedMonotonic
        )
        watch.start()
        return await withTaskCancellationHandler {
            await started(child.pid, watch.processStartTime)
            return await watch.outcome()
        } onCancel: {
            watch.cancel()
        }
    }
}
