import BatonManifest

/// What changed under the manifests path between an applied commit and a new one, with the
/// new content of every changed file: all an incremental reconcile pass needs to read.
///
/// Only valid against a commit that was itself valid (the applied one): then every symbolic
/// link, submodule or oversized blob in the new commit lies in a changed folder, so the
/// `diagnostics` here are exactly those a full snapshot of the new commit would report.
public struct ManifestUpdate: Sendable {
    public var from: GitObjectID
    public var commit: GitObjectID
    /// Sorted by path; a rename is one change with its old path.
    public var changes: [ManifestChange]
    /// The new bytes of every added, modified or renamed file, sorted by path.
    public var blobs: [ManifestBlob]
    /// Problems with entries of the new commit under the manifests path, sorted.
    public var diagnostics: [Diagnostic]
}
