import BatonStore
import Foundation

/// One pipeline with what its page shows: its declared parameters (for a trigger form),
/// the graph of its tasks, every version and its audit events.
public struct PipelineDetail: Sendable, Equatable, Codable {
    public var pipeline: PipelineOverview
    public var owners: [String]
    public var parameters: [ParameterInfo]
    /// The tasks of the current version, in manifest order, with their dependencies.
    public var tasks: [TaskNode]
    /// Newest first.
    public var versions: [VersionInfo]
    /// Newest first.
    public var audit: [AuditEntry]
}

/// A parameter a run can be given.
public struct ParameterInfo: Sendable, Equatable, Codable {
    public var name: String
    public var defaultValue: String?
    public var allowed: [String]?
    public var required: Bool
    public var description: String?

    public init(name: String, defaultValue: String?, allowed: [String]?, required: Bool, description: String?) {
        self.name = name
        self.defaultValue = defaultValue
        self.allowed = allowed
        self.required = required
        self.description = description
    }
}

/// One immutable version of a pipeline: who wrote it (author, committer), who merged it, when
/// it was applied, and what it changed.
public struct VersionInfo: Sendable, Equatable, Codable {
    public var id: Int64
    public var number: Int
    public var change: ChangeKind
    /// The commit that wrote the manifest (on a merged branch: the branch's commit).
    public var commit: CommitStamp
    /// The commit applied when the version was made; runs execute its tree.
    public var revisionCommit: String
    public var mergeCommit: String?
    public var mergedBy: Person?
    public var appliedAt: Date
    public var file: String
    /// JSON pointers with the old and new values as canonical JSON text.
    public var fields: [FieldChange]
    /// Who signed the applied commit (`revisionCommit`), when it was verified.
    public var signer: CommitSigner?

    init(_ version: PipelineVersion, signer: CommitSigner? = nil) {
        id = version.id ?? 0
        number = version.number
        change = version.changeKind
        commit = version.commit
        revisionCommit = version.revisionCommit
        mergeCommit = version.mergeCommit
        mergedBy = version.mergedBy
        appliedAt = version.appliedAt
        file = version.filePath
        fields = version.changes
        self.signer = signer
    }
}

/// A pipeline's versions (`history`).
public struct PipelineHistory: Sendable, Equatable, Codable {
    public var pipeline: String
    public var state: PipelineState
    public var currentVersion: Int
    /// Newest first.
    public var versions: [VersionInfo]
}

/// One task as a graph draws it.
public struct TaskNode: Sendable, Equatable, Codable {
    public var id: String
    /// The tasks it waits for.
    public var needs: [String]
    /// `success`, `failure`, `always`: which ends of its needs it runs after.
    public var when: String
    /// `run` (a process) or `http` (a request).
    public var kind: String
    public var description: String?
}
