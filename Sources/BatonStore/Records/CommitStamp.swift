import Foundation

/// What the store keeps of a commit: enough to answer "who, when, and why" without the
/// repository, which may have been garbage-collected or force-pushed away since.
public struct CommitStamp: Sendable, Hashable, Codable {
    /// 40 hex digits.
    public var id: String
    public var author: Person
    public var authorTime: Date
    public var committer: Person
    public var commitTime: Date
    /// The first line of the message.
    public var subject: String

    public init(id: String, author: Person, authorTime: Date, committer: Person, commitTime: Date, subject: String) {
        self.id = id
        self.author = author
        self.authorTime = authorTime
        self.committer = committer
        self.commitTime = commitTime
        self.subject = subject
    }

    /// The first 12 hex digits, for people.
    public var short: String { String(id.prefix(12)) }
}
