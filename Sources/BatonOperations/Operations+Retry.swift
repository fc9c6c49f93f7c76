import BatonDaemon
import BatonEngine
import BatonManifest
import BatonStore
import Foundation

/// How a failed run is run again in the foreground (`baton retry`).
public enum ForegroundRetry: Sendable {
    /// A version's run: this request, resuming the failed run, ready for a `RunExecutor`.
    case version(RunRequest)
    /// A run of a manifest file: the file as it is now is read by whoever runs it (the
    /// CLI), resuming this run with these attempts.
    case file(RunRecord, [TaskAttemptRecord])
}

extension Operations {
    /// Queues a new run resuming a failed one, for the daemon: the failed run's version,
    /// tree and parameters; tasks that succeeded keep their results, the rest run again.
    /// The new run links to the failed one (`retryOf`) and names `actor`.
    public func retry(_ id: Int64, by actor: OperationActor) async throws(OperationError) -> QueuedRun {
        let failed = try await retryable(id)
        guard let versionID = failed.versionID else {
            throw OperationError(.notRetryable, "run \(id) ran a manifest file, which only the command line can read again; retry it there with `baton retry \(id)`")
        }
        guard try await stored({ () async throws(StoreError) in try await store.version(id: versionID) }) != nil else {
            throw OperationError(.notRetryable, "run \(id) ran version \(versionID), which the store no longer has")
        }
        guard daemon.runningPid() != nil else {
            throw OperationError(.daemonNotRunning, "no baton serve runs on \(stateDirectory); start it, or retry in the foreground with `baton retry \(id)`")
        }
        let time = now()
        let run = RunRecord(
            pipeline: failed.pipeline, versionID: versionID, scheduledAt: nil, trigger: .retry, state: .queued,
            parameters: failed.parameters, createdAt: time, retryOf: id, requestedBy: actor.name)
        let stored = try await stored { () async throws(StoreError) in
            try await store.createRun(run) { created in
                AuditEvent(time: time, pipeline: created.pipeline, action: "retry", changedFields: [], commit: nil, author: nil,
                           actor: actor.name, message: "run \(created.id ?? 0) retries run \(id)", versionID: versionID)
            }
        }
        let told = await daemon.notify()
        return QueuedRun(run: RunSummary(stored), daemonNotified: told)
    }

    /// What `baton retry` runs in its own process: the failed run's version in the
    /// read-only tree of its commit, resuming the failed run.
    public func foregroundRetry(_ id: Int64) async throws(OperationError) -> ForegroundRetry {
        let failed = try await retryable(id)
        let attempts = try await attempts(of: failed)
        guard let versionID = failed.versionID else { return .file(failed, attempts) }
        guard let version = try await stored({ () async throws(StoreError) in try await store.version(id: versionID) }) else {
            throw OperationError(.notRetryable, "run \(id) ran version \(versionID), which the store no longer has")
        }
        let pipeline: Pipeline
        let tree: String
        do {
            (pipeline, tree) = try await VersionRequests(store: store, stateDirectory: stateDirectory).runnable(versionID: versionID)
        } catch {
            throw OperationError(error.code == .invalidManifest ? .invalidManifest : .notRetryable, error.message)
        }
        return .version(RunRequest(
            pipeline: pipeline, versionID: versionID, commit: version.revisionCommit, treeRoot: tree,
            taskSpecs: TaskSpecs.canonical(fromSpec: version.spec), parameters: failed.parameters, trigger: .retry, resume: (failed, attempts)))
    }

    /// A run that ended without succeeding, or `not-retryable`.
    private func retryable(_ id: Int64) async throws(OperationError) -> RunRecord {
        let run = try await existingRun(id)
        guard run.isFinished, run.state != .succeeded else {
            throw OperationError(.notRetryable, "run \(id) is \(run.state.rawValue); only a run that failed, timed out or was cancelled can be retried")
        }
        return run
    }
}
