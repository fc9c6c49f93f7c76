import Foundation

/// What a version did to its pipeline.
public enum ChangeKind: String, Sendable, Hashable, Codable, CaseIterable {
    case create
    case update
    case retire
    case revive
}

/// One field that differs between two specs, as a JSON pointer into the manifest with the
/// old and new values as canonical JSON text (nil where the field is absent).
public struct FieldChange: Sendable, Hashable, Codable {
    public var pointer: String
    public var old: String?
    public var new: String?

    public init(pointer: String, old: String?, new: String?) {
        self.pointer = pointer
        self.old = old
        self.new = new
    }
}

/// An immutable snapshot of a pipeline as one commit defined it.
///
/// Runs point at the version they ran under, and history and audit read versions, so a
/// version is never updated once written. A retire is a version too (with the last spec),
/// so that "who retired it, through which commit" has the same answer shape as every other
/// change.
public struct PipelineVersion: Sendable, Hashable, Codable, Identifiable {
    /// Assigned by the store.
    public var id: Int64?
    public var pipeline: String
    /// 1, 2, … per pipeline; assigned by the store.
    public var number: Int
    public var changeKind: ChangeKind
    /// The manifest as canonical JSON (sorted keys, no spaces, normalised numbers).
    public var spec: String
    /// SHA-256 of `spec`, hex: equal hashes mean equal pipelines, whatever the file looked like.
    public var specHash: String
    /// The commit that wrote this version's manifest (for a merged change, the commit on the
    /// merged branch), with its author.
    public var commit: CommitStamp
    /// The commit that was applied when this version was made (the fetched tip).
    public var revisionCommit: String
    /// The tree of `revisionCommit`: runs of this version execute in that tree.
    public var treeID: String
    /// Where the manifest was, relative to the repository root.
    public var filePath: String
    public var blobID: String
    /// The merge commit that brought the change in, and who merged it.
    public var mergeCommit: String?
    public var mergedBy: Person?
    public var changes: [FieldChange]
    /// Assigned by the store.
    public var revisionID: Int64?
    public var appliedAt: Date

    public init(id: Int64? = nil, pipeline: String, number: Int = 0, changeKind: ChangeKind, spec: String, specHash: String, commit: CommitStamp, revisionCommit: String, treeID: String, filePath: String, blobID: String, mergeCommit: String? = nil, mergedBy: Person? = nil, changes: [FieldChange], revisionID: Int64? = nil, appliedAt: Date) {
        self.id = id
        self.pipeline = pipeline
        self.number = number
        self.changeKind = changeKind
        self.spec = spec
        self.specHash = specHash
        self.commit = commit
        self.revisionCommit = revisionCommit
        self.treeID = treeID
        self.filePath = filePath
        self.blobID = blobID
        self.mergeCommit = mergeCommit
        self.mergedBy = mergedBy
        self.changes = changes
        self.revisionID = revisionID
        self.appliedAt = appliedAt
    }
}
