import Foundation

/// The pipelines and their immutable versions, as the applied revisions left them, and the
/// operators' suspensions on top of them.
public protocol PipelineStore: Sendable {
    /// Every pipeline, active and retired, by name.
    func pipelines() async throws(StoreError) -> [PipelineRecord]

    /// The pipelines with these names that exist (active or retired).
    func pipelines(named names: [String]) async throws(StoreError) -> [PipelineRecord]

    /// How many pipelines are active.
    func activePipelineCount() async throws(StoreError) -> Int

    /// A version by id.
    func version(id: Int64) async throws(StoreError) -> PipelineVersion?

    /// The current versions of these pipelines.
    func currentVersions(of names: [String]) async throws(StoreError) -> [PipelineVersion]

    /// A pipeline's versions, newest first.
    func versions(of pipeline: String) async throws(StoreError) -> [PipelineVersion]

    /// When each pipeline was last resumed by an operator: where its slots pick up after a
    /// restart, so slots that passed while it was suspended are never caught up on.
    func resumeTimes() async throws(StoreError) -> [String: Date]

    /// Every operator suspension.
    func overrides() async throws(StoreError) -> [PipelineOverride]

    /// Suspends (an override) or resumes (nil) a pipeline and records the audit event, in
    /// one transaction.
    func setOverride(pipeline: String, _ override: PipelineOverride?, event: AuditEvent) async throws(StoreError)
}
