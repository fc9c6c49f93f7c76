/// Where a task of a run stands: the state of a task attempt the engine records, and of a task
/// in a run's result. Defined beside the record so the store reads and writes it as a type.
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
