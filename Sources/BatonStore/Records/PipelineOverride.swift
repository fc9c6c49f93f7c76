import Foundation

/// An operator's suspension of a pipeline, on top of what Git says (`baton suspend`).
///
/// Kept apart from the pipeline's versions on purpose: Git stays the source of the
/// definition, and an operator's pause during an incident neither rewrites a version nor is
/// undone by the next commit. Each change is also an audit event naming the operating-system
/// user. A pipeline is paused when its manifest says `suspend: true` or an override exists.
public struct PipelineOverride: Sendable, Hashable, Codable {
    public var pipeline: String
    public var reason: String?
    /// The operating-system user who suspended it.
    public var actor: String
    public var since: Date

    public init(pipeline: String, reason: String?, actor: String, since: Date) {
        self.pipeline = pipeline
        self.reason = reason
        self.actor = actor
        self.since = since
    }
}
