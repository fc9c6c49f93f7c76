import BatonManifest
import Foundation

/// The commits (status) page: what Baton follows, what is live, what was last tried and why
/// it failed, and whether the daemon is there at all.
public struct CommitsPageModel: Sendable, Hashable {
    public var chrome: PageChrome
    public var source: SourceInfo?
    /// The last applied revision: what runs now.
    public var live: CommitInfo?
    /// The last attempted revision, when it differs from the live one or failed.
    public var lastAttempt: AttemptedCommit?
    public var daemon: DaemonInfo

    public init(chrome: PageChrome, source: SourceInfo? = nil, live: CommitInfo? = nil, lastAttempt: AttemptedCommit? = nil, daemon: DaemonInfo) {
        self.chrome = chrome
        self.source = source
        self.live = live
        self.lastAttempt = lastAttempt
        self.daemon = daemon
    }
}

/// The repository Baton follows and how the last fetch went.
public struct SourceInfo: Sendable, Hashable {
    /// Shown as text, never as a link: it is configuration, and may hold a scheme a browser
    /// should not follow.
    public var url: String
    public var ref: String
    /// The directory of manifests inside the repository.
    public var path: String?
    public var lastFetchAt: Date?
    public var fetchError: String?

    public init(url: String, ref: String, path: String? = nil, lastFetchAt: Date? = nil, fetchError: String? = nil) {
        self.url = url
        self.ref = ref
        self.path = path
        self.lastFetchAt = lastFetchAt
        self.fetchError = fetchError
    }
}

/// One commit as people know it.
public struct CommitInfo: Sendable, Hashable {
    public var id: String
    public var author: String?
    public var time: Date?
    public var subject: String?
    /// Who signed it, when Baton verified it (`--verify-commits`): `ana@example.com (ssh ED25519 SHA256:…)`.
    public var signer: String?

    public init(id: String, author: String? = nil, time: Date? = nil, subject: String? = nil, signer: String? = nil) {
        self.id = id
        self.author = author
        self.time = time
        self.subject = subject
        self.signer = signer
    }
}

/// The last commit Baton tried, what came of it and every diagnostic that stopped it.
public struct AttemptedCommit: Sendable, Hashable {
    public var commit: CommitInfo
    /// `applied`, `rejected`, `failed`… as the reconcile pass recorded it.
    public var outcome: String
    /// Whether the outcome is bad news (drawn as failed rather than succeeded).
    public var isFailure: Bool
    public var at: Date?
    public var diagnostics: [Diagnostic]

    public init(commit: CommitInfo, outcome: String, isFailure: Bool, at: Date? = nil, diagnostics: [Diagnostic] = []) {
        self.commit = commit
        self.outcome = outcome
        self.isFailure = isFailure
        self.at = at
        self.diagnostics = diagnostics
    }
}

/// The daemon as the status report sees it.
public struct DaemonInfo: Sendable, Hashable {
    public var isRunning: Bool
    public var pid: Int?
    public var startedAt: Date?
    public var lastReconcileAt: Date?
    /// The last pass in a line (`applied 3f2a9c1: 1 created, 2 unchanged`).
    public var summary: String?

    public init(isRunning: Bool, pid: Int? = nil, startedAt: Date? = nil, lastReconcileAt: Date? = nil, summary: String? = nil) {
        self.isRunning = isRunning
        self.pid = pid
        self.startedAt = startedAt
        self.lastReconcileAt = lastReconcileAt
        self.summary = summary
    }
}
