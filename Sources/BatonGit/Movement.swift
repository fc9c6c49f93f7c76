/// How the commit a ref names now relates to the commit Baton last applied.
///
/// The reconciler applies every case the same way (level-triggered: the desired state is the
/// new commit's), but a rewind or an unrelated history is worth an audit entry and a warning,
/// since it usually means someone force-pushed or reset the branch.
public enum Movement: Sendable, Hashable {
    /// The ref did not move.
    case same
    /// The old commit is an ancestor of the new one: ordinary new commits.
    case fastForward
    /// The old commit is not an ancestor of the new one, but they share history: a force-push
    /// or a reset. `oldCommitInMirror` says whether the old commit's objects are still in the
    /// mirror (a fresh clone after a force-push no longer has them), which decides whether a
    /// diff against it is possible.
    case rewind(oldCommitInMirror: Bool)
    /// No common ancestor: the branch was replaced with another history.
    case unrelated
}
