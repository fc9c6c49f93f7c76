import BatonStore
import Foundation

/// One change to the live state: through Git (with its commit, author and merger) or by an
/// operator (with the actor: an operating-system user or an API token's name).
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var time: Date
    public var pipeline: String
    /// `create`, `update`, `retire`, `revive`, `suspend`, `resume`, `trigger`, `cancel`, `retry`.
    public var change: String
    /// JSON pointers of the changed fields.
    public var fields: [String]
    public var commit: String?
    public var author: Person?
    public var mergeCommit: String?
    public var mergedBy: Person?
    public var actor: String?
    public var message: String?

    init(_ event: AuditEvent) {
        id = event.id ?? 0
        time = event.time
        pipeline = event.pipeline
        change = event.action
        fields = event.changedFields
        commit = event.commit
        author = event.author
        mergeCommit = event.mergeCommit
        mergedBy = event.mergedBy
        actor = event.actor
        message = event.message
    }
}

/// Which audit events to list, newest first; every condition given must hold.
public struct AuditRequest: Sendable, Hashable {
    public var since: Date?
    public var pipeline: String?
    /// Matched case-insensitively against the author's and the merger's e-mail.
    public var author: String?
    public var limit: Int?

    public init(since: Date? = nil, pipeline: String? = nil, author: String? = nil, limit: Int? = nil) {
        self.since = since
        self.pipeline = pipeline
        self.author = author
        self.limit = limit
    }
}

public struct AuditLog: Sendable, Equatable, Codable {
    public var events: [AuditEntry]
}
