import BatonManifest

/// The manifests of one commit, read straight from the object database (no checkout).
///
/// Entries that cannot be manifests but sit where manifests are expected (a symbolic link, a
/// submodule, a blob over 1 MiB) are diagnostics in `baton validate`'s format, so a bad
/// commit is rejected with a message naming the path, never crashed on or silently
/// shortened.
public struct ManifestSnapshot: Sendable {
    public var commit: GitObjectID
    /// The manifests folder as configured, relative to the repository root.
    public var manifestsPath: String
    /// False when the commit has no folder at `manifestsPath` (or has a file there). Kept
    /// apart from "a folder with no manifests" because the reconciler treats it specially:
    /// a mistyped path or a botched move must not retire every pipeline.
    public var manifestsPathExists: Bool
    /// Every manifest blob, sorted by path.
    public var blobs: [ManifestBlob]
    /// Problems with entries under the manifests path, sorted by path.
    public var diagnostics: [Diagnostic]

    /// A snapshot assembled by a caller: the reconciler builds one from the files a diff
    /// touched, to judge them exactly as a full read would.
    public init(commit: GitObjectID, manifestsPath: String, manifestsPathExists: Bool, blobs: [ManifestBlob], diagnostics: [Diagnostic]) {
        self.commit = commit
        self.manifestsPath = manifestsPath
        self.manifestsPathExists = manifestsPathExists
        self.blobs = blobs
        self.diagnostics = diagnostics
    }
}

/// One manifest file at a commit.
public struct ManifestBlob: Sendable, Hashable {
    /// Relative to the repository root, `/`-separated (`manifests/sales/etl.json`): the path
    /// diagnostics and the audit log name.
    public var path: String
    /// The blob id: equal ids mean equal bytes, which lets the reconciler skip decoding
    /// unchanged files.
    public var id: GitObjectID
    public var bytes: [UInt8]

    public init(path: String, id: GitObjectID, bytes: [UInt8]) {
        self.path = path
        self.id = id
        self.bytes = bytes
    }
}
