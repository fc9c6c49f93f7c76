/// What the audit log and status page need to know about one commit.
public struct CommitInfo: Sendable, Hashable {
    public var id: GitObjectID
    /// First parent first; empty for a root commit, two or more for a merge.
    public var parents: [GitObjectID]
    /// Who wrote the change.
    public var author: GitSignature
    /// Who put it on the branch: for a merge commit, the person who merged.
    public var committer: GitSignature
    /// The first line of the message.
    public var subject: String

    public var isMerge: Bool { parents.count > 1 }
}
