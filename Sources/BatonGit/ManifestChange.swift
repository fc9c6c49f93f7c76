/// One manifest file that differs between two commits.
public struct ManifestChange: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case added
        case modified
        case deleted
        /// Moved (possibly edited too) from `from`, a path relative to the repository root.
        /// Identity is the pipeline's `name`, so a rename alone changes no pipeline; it is
        /// reported so the audit log can say where the file went.
        case renamed(from: String)
    }

    public var kind: Kind
    /// Relative to the repository root: the new path, or the old one for a deletion.
    public var path: String
    /// The blob before (nil when added).
    public var oldBlob: GitObjectID?
    /// The blob after (nil when deleted).
    public var newBlob: GitObjectID?

    public init(kind: Kind, path: String, oldBlob: GitObjectID?, newBlob: GitObjectID?) {
        self.kind = kind
        self.path = path
        self.oldBlob = oldBlob
        self.newBlob = newBlob
    }
}
