import BatonStore
import Foundation

extension Operations {
    /// An operator's pause of a live pipeline, on top of Git: no new runs until `resume`,
    /// runs in flight finish, the next commit does not undo it. Recorded in the audit log
    /// with `actor`, in one transaction with the suspension.
    public func suspend(_ pipeline: String, reason: String?, by actor: OperationActor) async throws(OperationError) -> SuspensionResult {
        try await setSuspension(pipeline, suspended: true, reason: reason, by: actor)
    }

    /// Lifts an operator's pause (a manifest's `suspend: true` stays until a commit changes
    /// it); the pipeline runs from its next slot, with no catching up on the slots it missed.
    public func resume(_ pipeline: String, by actor: OperationActor) async throws(OperationError) -> SuspensionResult {
        try await setSuspension(pipeline, suspended: false, reason: nil, by: actor)
    }

    private func setSuspension(_ pipeline: String, suspended: Bool, reason: String?, by actor: OperationActor) async throws(OperationError) -> SuspensionResult {
        let version = try await liveVersion(pipeline)
        let existing = try await stored { () async throws(StoreError) in try await store.overrides().first { $0.pipeline == pipeline } }
        if suspended == (existing != nil) {
            return SuspensionResult(pipeline: pipeline, suspended: suspended, changed: false, actor: existing?.actor, reason: existing?.reason, daemonNotified: false)
        }
        let time = now()
        let override = suspended ? PipelineOverride(pipeline: pipeline, reason: reason, actor: actor.name, since: time) : nil
        let event = AuditEvent(
            time: time, pipeline: pipeline, action: suspended ? "suspend" : "resume", changedFields: [], commit: nil, author: nil,
            actor: actor.name, message: reason, versionID: version.id)
        try await stored { () async throws(StoreError) in try await store.setOverride(pipeline: pipeline, override, event: event) }
        let told = await daemon.notify()
        return SuspensionResult(pipeline: pipeline, suspended: suspended, changed: true, actor: actor.name, reason: reason, daemonNotified: told)
    }
}
