/// A commit's tree materialised on disk, read-only, for tasks to run in.
public struct ExportedTree: Sendable, Hashable {
    /// The root tree id: the directory's name, and what makes two commits with the same
    /// content share one copy.
    public var treeID: GitObjectID
    /// `<state>/trees/<tree id>`.
    public var path: String
    /// False when the tree was already there and nothing was written.
    public var created: Bool
    /// Entries left out, by path. Only known when `created`: a second export is a no-op and
    /// does not walk the tree again.
    public var skipped: [SkippedEntry]
}

/// An entry of a tree that an export left out, and why.
public struct SkippedEntry: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// A symbolic link whose target is absolute or climbs out of the tree: following it
        /// would let a commit make a task read or write outside its own copy.
        case symlinkOutsideTree(target: String)
        /// A submodule: its commit lives in another repository Baton does not fetch.
        case submodule
    }

    /// Relative to the tree's root, `/`-separated.
    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }
}
