import BatonEngine
import BatonStore
import Foundation

extension Operations {
    /// Cancels a run. A queued run is cancelled at once. For a running one the request is
    /// recorded on the run (its executor starts nothing more and ends it as cancelled) and
    /// each running task's process group gets SIGTERM; the daemon is told, so a run it
    /// executes stops at once. A run that already ended is left as it is.
    public func cancel(_ id: Int64, by actor: OperationActor) async throws(OperationError) -> CancelResult {
        let current = try await existingRun(id)
        if current.isFinished {
            return CancelResult(outcome: .alreadyEnded, run: RunSummary(current), stoppedTasks: 0, daemonNotified: false)
        }
        let reason = "\(RunExecutor.cancelPrefix) by \(actor.name)"
        let time = now()
        // One transaction: a run that ended, or started, a moment ago is seen as it is now.
        let updated = try await stored { () async throws(StoreError) in
            try await store.updateRun(id: id, recording: { before, after in
                guard !before.isFinished else { return nil }
                return AuditEvent(time: time, pipeline: after.pipeline, action: "cancel", changedFields: [], commit: nil, author: nil,
                                  actor: actor.name, message: "run \(id) (\(before.state.rawValue))", versionID: after.versionID)
            }) { run in
                guard !run.isFinished else { return }
                run.reason = reason
                if run.state == .queued {
                    run.state = .cancelled
                    run.finishedAt = time
                }
            }
        }
        guard updated.reason == reason else {
            return CancelResult(outcome: .alreadyEnded, run: RunSummary(updated), stoppedTasks: 0, daemonNotified: false)
        }
        var stopped = 0
        if updated.state == .running {
            for attempt in try await attempts(of: updated) where attempt.state == TaskState.running {
                guard let pid = attempt.pid, let start = attempt.processStartTime,
                      ProcessIdentity(pid: pid_t(pid), startTime: start).isAlive else { continue }
                if kill(-pid_t(pid), SIGTERM) == 0 { stopped += 1 }
            }
        }
        // A daemon running the run cancels it itself, its processes included.
        let told = await daemon.notify()
        return CancelResult(outcome: updated.state == .cancelled ? .cancelled : .requested, run: RunSummary(updated), stoppedTasks: stopped, daemonNotified: told)
    }
}
