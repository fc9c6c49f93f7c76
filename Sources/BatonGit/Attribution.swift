/// Who is behind one manifest change: the answer to "who changed this pipeline".
public struct Attribution: Sendable, Hashable {
    public var change: ManifestChange
    /// The commit that wrote the file's new content (or deleted it): on the merged branch
    /// when the change came through a merge, otherwise on the first-parent chain.
    public var commit: CommitInfo
    /// The merge commit on the first-parent chain that brought the change in, when there was
    /// one; its committer is the person who merged (the pull request's merger).
    public var merge: CommitInfo?

    /// Who wrote the change.
    public var author: GitSignature { commit.author }
}
