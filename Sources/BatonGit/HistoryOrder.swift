/// The order `firstParentHistory` returns commits in.
public enum HistoryOrder: Sendable, Hashable {
    /// The tip first, like `git log --first-parent`: what a status page lists.
    case newestFirst
    /// The oldest first: the order the changes happened, for replaying or an audit log.
    case oldestFirst
}
