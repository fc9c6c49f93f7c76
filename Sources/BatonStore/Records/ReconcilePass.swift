import Foundation

/// What one reconcile pass of the daemon came to, as values rather than rendered text.
///
/// The daemon keeps the last one in its status row (as JSON), so `baton reconcile --now`,
/// the HTTP API and the dashboard each present the same facts their own way; the daemon no
/// longer stores text a command formatted and another parses back.
public struct ReconcilePass: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        /// The commit's pipelines are live (or were already: see `alreadyJudged`).
        case applied
        /// The commit is valid and changed no pipeline.
        case unchanged
        /// An invalid manifest: nothing of the commit was applied; `live` stays live.
        case rejected
        /// The source could not be fetched or read; nothing was judged.
        case failed
    }

    /// How many pipelines the pass touched, by kind.
    public struct Counts: Sendable, Hashable, Codable {
        public var created: Int
        public var updated: Int
        public var retired: Int
        public var revived: Int
        public var unchanged: Int

        public init(created: Int = 0, updated: Int = 0, retired: Int = 0, revived: Int = 0, unchanged: Int = 0) {
            self.created = created
            self.updated = updated
            self.retired = retired
            self.revived = revived
            self.unchanged = unchanged
        }
    }

    public var outcome: Outcome
    /// True when the commit had been judged by an earlier pass: this one wrote nothing.
    public var alreadyJudged: Bool
    /// The judged commit (40 hex digits); nil when the pass failed before reading one.
    public var commit: String?
    public var author: Person?
    /// The first line of the commit's message.
    public var subject: String?
    public var counts: Counts
    /// Error and warning diagnostics of the commit's manifests.
    public var errors: Int
    public var warnings: Int
    /// The commit live after the pass: for a rejected commit, the one that stays live.
    public var live: String?
    /// Why a failed pass failed, and whether waiting may fix it.
    public var error: String?
    public var transient: Bool?
    public var finishedAt: Date
    public var durationMilliseconds: Int?

    public init(outcome: Outcome, alreadyJudged: Bool = false, commit: String? = nil, author: Person? = nil, subject: String? = nil, counts: Counts = Counts(),
                errors: Int = 0, warnings: Int = 0, live: String? = nil, error: String? = nil, transient: Bool? = nil, finishedAt: Date, durationMilliseconds: Int? = nil) {
        self.outcome = outcome
        self.alreadyJudged = alreadyJudged
        self.commit = commit
        self.author = author
        self.subject = subject
        self.counts = counts
        self.errors = errors
        self.warnings = warnings
        self.live = live
        self.error = error
        self.transient = transient
        self.finishedAt = finishedAt
        self.durationMilliseconds = durationMilliseconds
    }
}
