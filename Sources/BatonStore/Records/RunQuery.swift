/// Which runs to list, newest (highest id) first; every condition given must hold.
///
/// Paged by keyset on the run's id (`beforeID`), not by offset: a page stays right while
/// the daemon inserts new runs at the top, and reading page 50 costs what page 1 does.
public struct RunQuery: Sendable, Hashable {
    public var pipeline: String?
    /// Any of these states; empty for every state.
    public var states: [RunRecord.State]
    public var trigger: RunRecord.Trigger?
    /// Only runs with a lower id: the last id of the previous page.
    public var beforeID: Int64?
    public var limit: Int

    public init(pipeline: String? = nil, states: [RunRecord.State] = [], trigger: RunRecord.Trigger? = nil, beforeID: Int64? = nil, limit: Int) {
        self.pipeline = pipeline
        self.states = states
        self.trigger = trigger
        self.beforeID = beforeID
        self.limit = limit
    }
}
