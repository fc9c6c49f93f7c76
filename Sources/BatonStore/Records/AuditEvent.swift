import Foundation

/// One change to the live state, answering "who changed what, when, through which commit".
///
/// Written in the same transaction as the change itself, so the audit log can never miss a
/// change or mention one that did not happen. Git changes name the commit's author; operator
/// actions (suspend, resume) name the operating-system user in `actor`.
public struct AuditEvent: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64?
    public var time: Date
    public var pipeline: String
    /// `create`, `update`, `retire`, `revive`, or an operator action such as `suspend`.
    public var action: String
    /// JSON pointers of the changed fields.
    public var changedFields: [String]
    public var commit: String?
    public var author: Person?
    public var mergeCommit: String?
    public var mergedBy: Person?
    /// The operator, for changes that did not come through Git.
    public var actor: String?
    public var message: String?
    public var revisionID: Int64?
    public var versionID: Int64?

    public init(id: Int64? = nil, time: Date, pipeline: String, action: String, changedFields: [String], commit: String?, author: Person?, mergeCommit: String? = nil, mergedBy: Person? = nil, actor: String? = nil, message: String? = nil, revisionID: Int64? = nil, versionID: Int64? = nil) {
        self.id = id
        self.time = time
        self.pipeline = pipeline
        self.action = action
        self.changedFields = changedFields
        self.commit = commit
        self.author = author
        self.mergeCommit = mergeCommit
        self.mergedBy = mergedBy
        self.actor = actor
        self.message = message
        self.revisionID = revisionID
        self.versionID = versionID
    }
}

/// Which audit events to list; every condition given must hold.
public struct AuditQuery: Sendable, Hashable {
    public var since: Date?
    public var pipeline: String?
    /// Matched case-insensitively against the author's and the merger's e-mail.
    public var authorEmail: String?
    public var limit: Int?

    public init(since: Date? = nil, pipeline: String? = nil, authorEmail: String? = nil, limit: Int? = nil) {
        self.since = since
        self.pipeline = pipeline
        self.authorEmail = authorEmail
        self.limit = limit
    }
}
