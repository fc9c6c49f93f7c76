import BatonStore
import Foundation

/// What became of one task in a run.
public struct TaskResult: Sendable, Hashable {
    public var id: String
    public var state: TaskState
    /// Attempts made (0 for a skipped or cached task).
    public var attempts: Int
    public var exitCode: Int32?
    public var outputs: [String: String]
    public var reason: String?
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(id: String, state: TaskState, attempts: Int = 0, exitCode: Int32? = nil, outputs: [String: String] = [:], reason: String? = nil, startedAt: Date? = nil, finishedAt: Date? = nil) {
        self.id = id
        self.state = state
        self.attempts = attempts
        self.exitCode = exitCode
        self.outputs = outputs
        self.reason = reason
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
