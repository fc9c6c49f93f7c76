import BatonStore
import Foundation

/// A manual run of a live pipeline, for the daemon to start.
public struct TriggerRequest: Sendable, Hashable {
    public var pipeline: String
    /// Checked against the pipeline's declarations; defaults fill in the rest.
    public var parameters: [String: String]

    public init(pipeline: String, parameters: [String: String] = [:]) {
        self.pipeline = pipeline
        self.parameters = parameters
    }
}

/// A run queued for the daemon (`trigger`, a queued `retry`).
public struct QueuedRun: Sendable, Equatable, Codable {
    public var run: RunSummary
    /// Whether a running daemon was told (it starts the run at once).
    public var daemonNotified: Bool
}

/// What `cancel` did.
public struct CancelResult: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Equatable, Codable {
        /// The run had already ended; nothing changed.
        case alreadyEnded
        /// A queued run: cancelled at once.
        case cancelled
        /// A running run: the request is recorded, its running tasks signalled; its
        /// executor ends it as cancelled.
        case requested
    }

    public var outcome: Outcome
    /// The run after the request.
    public var run: RunSummary
    /// Running tasks whose process groups got SIGTERM.
    public var stoppedTasks: Int
    public var daemonNotified: Bool
}

/// What `suspend` or `resume` did.
public struct SuspensionResult: Sendable, Equatable, Codable {
    public var pipeline: String
    /// Whether an operator's suspension holds now.
    public var suspended: Bool
    /// False when it already was as asked.
    public var changed: Bool
    /// Who holds the suspension (or just lifted it).
    public var actor: String?
    public var reason: String?
    public var daemonNotified: Bool

    public init(pipeline: String, suspended: Bool, changed: Bool, actor: String?, reason: String?, daemonNotified: Bool) {
        self.pipeline = pipeline
        self.suspended = suspended
        self.changed = changed
        self.actor = actor
        self.reason = reason
        self.daemonNotified = daemonNotified
    }
}
