import BatonStore
import Foundation

/// What `status` shows: the source and its last fetch, the live and last attempted commits
/// (with every diagnostic of a rejected one), the daemon, and every pipeline.
public struct StatusReport: Sendable, Equatable, Codable {
    /// The live commit is the last one tried and the source answered.
    public var healthy: Bool
    public var now: Date
    /// Nil when no daemon ever ran on this store.
    public var daemon: DaemonStatus?
    public var source: SourceStatus
    public var live: LiveRevision
    public var lastAttempt: AttemptedRevision
    public var pipelines: [PipelineOverview]
    public var counts: PipelineCounts
}

public struct PipelineCounts: Sendable, Equatable, Codable {
    public var active: Int
    public var retired: Int

    public init(active: Int, retired: Int) {
        self.active = active
        self.retired = retired
    }
}

/// The daemon's status row, and whether that daemon runs now.
public struct DaemonStatus: Sendable, Equatable, Codable {
    public var running: Bool
    public var pid: Int
    public var startedAt: Date
    public var stoppedAt: Date?
    public var intervalSeconds: Double
    public var lastReconcileAt: Date?
    public var nextReconcileAt: Date?
    /// Consecutive passes whose fetch failed; the loop backs off while above zero.
    public var sourceFailures: Int
    public var sourceError: String?
    public var lastReconcile: ReconcilePass?
}

/// The followed source, its URL with any credentials removed.
public struct SourceStatus: Sendable, Equatable, Codable {
    public var url: String
    public var ref: String
    public var path: String
    public var lastFetchedCommit: String?
    public var lastFetchedAt: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var lastErrorTransient: Bool?
    public var consecutiveFailures: Int
}

public struct LiveRevision: Sendable, Equatable, Codable {
    public var commit: String?
    public var appliedAt: Date?
    public var revision: RevisionInfo?
}

/// The last commit a pass judged: the live one, or a rejected one with its diagnostics.
public struct AttemptedRevision: Sendable, Equatable, Codable {
    public var commit: String?
    public var attemptedAt: Date?
    public var outcome: RevisionOutcome?
    public var author: Person?
    public var diagnostics: [DiagnosticInfo]
    public var revision: RevisionInfo?
}

/// One judged commit.
public struct RevisionInfo: Sendable, Equatable, Codable {
    public var commit: CommitStamp
    public var outcome: RevisionOutcome
    public var movement: RevisionMovement
    public var summary: PlanSummary
    public var recordedAt: Date
    /// Who signed the commit, when it was verified (`--verify-commits`).
    public var signer: CommitSigner?

    init(_ record: RevisionRecord) {
        commit = record.commit
        outcome = record.outcome
        movement = record.movement
        summary = record.summary
        recordedAt = record.recordedAt
        signer = record.signer
    }
}
