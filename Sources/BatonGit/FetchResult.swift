/// What one `GitMirror.sync` learned: the commit the source's ref now names, and anything a
/// person should hear about the mirror itself.
public struct FetchResult: Sendable, Hashable {
    /// The commit the ref resolved to after the fetch.
    public var commit: GitObjectID
    /// How `commit` relates to the `lastApplied` commit passed to `sync` (`fastForward` when
    /// none was passed).
    public var movement: Movement
    /// The bare mirror on disk; open it with `GitRepository(path:)` to read the commit.
    public var mirrorPath: String
    /// True when the mirror was cloned in this call (first use, or after a recovery).
    public var cloned: Bool
    /// Set when the existing mirror was found corrupt, moved aside and cloned afresh. Kept
    /// apart from errors because the sync succeeded; the event still belongs in the status
    /// and the log (a disk that corrupts mirrors will corrupt other things).
    public var recovery: MirrorRecovery?
}

/// A corrupt mirror that was set aside. The directory is kept, not deleted, so a person can
/// look at what went wrong; nothing reads it again.
public struct MirrorRecovery: Sendable, Hashable {
    /// Where the damaged mirror now lies (`<hash>.corrupt-<timestamp>`).
    public var movedTo: String
    /// What was wrong with it.
    public var problem: GitError
}
