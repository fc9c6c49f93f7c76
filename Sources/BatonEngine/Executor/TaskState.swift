/// Where a task of a run stands.
public enum TaskState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case running
    case succeeded
    case failed
    /// Its `when` or `if` did not hold, or the run ended before its turn.
    case skipped
    case cancelled
    case timedOut
    /// A successful earlier attempt with the same cache key was reused.
    case cached

    /// Finished, one way or another: its dependents may be decided.
    public var isTerminal: Bool { ![.pending, .running].contains(self) }
    /// Counts as success for `when: success` dependents.
    public var isSuccess: Bool { self == .succeeded || self == .cached }
    /// Counts as failure for `when: failure` dependents and for the run's state.
    public var isFailure: Bool { self == .failed || self == .timedOut }
}

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

import Foundation
