import BatonEngine
import BatonStore
import Foundation

extension Operations {
    /// Queues a manual run of a live pipeline's current version for the daemon, which
    /// starts it at once whatever the schedule's concurrency policy. The parameters are
    /// checked first (defaults filled in); the run and an audit event name `actor`.
    public func trigger(_ request: TriggerRequest, by actor: OperationActor) async throws(OperationError) -> QueuedRun {
        guard daemon.runningPid() != nil else {
            throw OperationError(.daemonNotRunning, "no baton serve runs on \(stateDirectory); start it, or run the pipeline in the foreground with `baton run \(request.pipeline)`")
        }
        let version = try await liveVersion(request.pipeline)
        let model = try model(of: version)
        let parameters: [String: String]
        do { parameters = try RunParameters.resolve(model.parameters, given: request.parameters) } catch {
            throw OperationError(.invalidParameters, error.message)
        }
        let time = now()
        let run = RunRecord(
            pipeline: request.pipeline, versionID: version.id, scheduledAt: nil, trigger: .manual, state: .queued,
            parameters: parameters, createdAt: time, requestedBy: actor.name)
        let stored = try await stored { () async throws(StoreError) in
            try await store.createRun(run) { created in
                AuditEvent(time: time, pipeline: created.pipeline, action: "trigger", changedFields: [], commit: nil, author: nil,
                           actor: actor.name, message: "run \(created.id ?? 0)", versionID: created.versionID)
            }
        }
        let told = await daemon.notify()
        return QueuedRun(run: RunSummary(stored), daemonNotified: told)
    }
}
