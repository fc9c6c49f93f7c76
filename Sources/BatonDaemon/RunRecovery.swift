import BatonEngine
import BatonStore
import Foundation
import Logging

/// What a daemon does first: settle the runs a previous process left unfinished.
///
/// A run still `running` whose executor (pid and process start time) is gone was
/// interrupted. For each of its attempts still `running`, whatever is left of the attempt's
/// process group is terminated first (SIGTERM, SIGKILL after the grace), then the attempt is
/// marked `failed` with the reason "interrupted". The run then continues in place: the
/// interrupted task gets its next attempt if its retries allow, otherwise it stays failed
/// and the run goes on (its `when: failure` tasks included) to its end. Queued runs start as
/// they are. A run whose executor still lives (a `baton run` in another terminal) is left
/// alone.
public enum RunRecovery {
    public struct Settled: Sendable {
        /// Runs to continue (with their attempts) or to start (queued).
        public var runs: [RunRecord] = []
        public var attempts: [Int64: [TaskAttemptRecord]] = [:]
        public var interruptedAttempts = 0
        public var terminatedProcesses = 0
    }

    public static func settle(store: any StateStore, logger: Logger, grace: Duration = .seconds(10)) async throws(StoreError) -> Settled {
        var settled = Settled()
        for run in try await store.runs(inStates: [.running, .queued]) {
            guard let id = run.id else { continue }
            if run.state == .queued {
                settled.runs.append(run)
                continue
            }
            if let pid = run.ownerPid, let start = run.ownerStartTime,
               ProcessIdentity(pid: Int32(pid), startTime: start).isAlive, pid != Int(ProcessIdentity.current.pid) {
                continue
            }
            var attempts = try await store.attempts(ofRun: id)
            for index in attempts.indices where attempts[index].state == TaskState.running {
                var attempt = attempts[index]
                if let pid = attempt.pid, pid > 0 {
                    let process = attempt.processStartTime.map { ProcessIdentity(pid: Int32(pid), startTime: $0) }
                    settled.terminatedProcesses += await OrphanProcesses.terminate(process, group: Int32(pid), runID: id, grace: grace)
                } else {
                    // Recorded before its pid was: the process may have started. Its group
                    // is unknown, so look for the run's variable in every process.
                    settled.terminatedProcesses += await OrphanProcesses.terminate(nil, group: 0, runID: id, grace: grace)
                }
                attempt.state = TaskState.failed
                attempt.reason = RunExecutor.interruptedReason
                attempt.finishedAt = Date()
                try await store.updateAttempt(attempt)
                attempts[index] = attempt
                settled.interruptedAttempts += 1
            }
            // Claimed before the daemon says it started: from here on the run is this
            // process's, and no later start mistakes it for an orphan.
            let me = ProcessIdentity.current
            let claimed = try await store.updateRun(id: id) { stored in
                stored.ownerPid = Int(me.pid)
                stored.ownerStartTime = me.startTime
            }
            settled.runs.append(claimed)
            settled.attempts[id] = attempts
            logger.warning("continuing an interrupted run", metadata: ["run": "\(id)", "pipeline": "\(run.pipeline)"])
        }
        return settled
    }
}
