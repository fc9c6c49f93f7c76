import BatonManifest
import Foundation

/// What a pass decided about a commit.
public enum RevisionOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The commit's pipelines are live.
    case applied
    /// The commit had an invalid manifest, a duplicate name or an empty source: nothing of
    /// it was applied and the previous revision stays live.
    case rejected
    /// The commit is valid and changes no pipeline (a README edit, a moved file).
    case unchanged
}

/// How a commit relates to the one applied before it, recorded so that an audit can tell a
/// force-push from ordinary progress.
public enum RevisionMovement: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing was applied before.
    case initial
    case same
    case fastForward
    /// The applied commit is not an ancestor: a force-push or a reset.
    case rewind
    /// No common history with the applied commit (another repository at the same URL).
    case unrelated
}

/// How many pipelines a plan touched, by kind.
public struct PlanSummary: Sendable, Hashable, Codable {
    public var creates: Int
    public var updates: Int
    public var retires: Int
    public var revives: Int
    public var unchanged: Int

    public init(creates: Int = 0, updates: Int = 0, retires: Int = 0, revives: Int = 0, unchanged: Int = 0) {
        self.creates = creates
        self.updates = updates
        self.retires = retires
        self.revives = revives
        self.unchanged = unchanged
    }

    /// Whether the plan changes anything live.
    public var hasChanges: Bool { creates + updates + retires + revives > 0 }

    /// `2 to create, 1 to update, 0 to retire, 0 to revive, 7 unchanged`.
    public var description: String {
        "\(creates) to create, \(updates) to update, \(retires) to retire, \(revives) to revive, \(unchanged) unchanged"
    }
}

/// One judged commit. Revisions are only added when a pass sees a commit it has not judged
/// yet, so polling an unchanged repository every minute does not grow the table.
public struct RevisionRecord: Sendable, Hashable, Codable, Identifiable {
    /// Assigned by the store.
    public var id: Int64?
    public var commit: CommitStamp
    public var outcome: RevisionOutcome
    public var movement: RevisionMovement
    public var summary: PlanSummary
    /// Every diagnostic of a rejected commit (warnings of an applied one).
    public var diagnostics: [Diagnostic]
    public var recordedAt: Date
    /// Who signed the commit, when the pass verified signatures (`--verify-commits`) and the
    /// commit passed; nil otherwise.
    public var signer: CommitSigner?

    public init(id: Int64? = nil, commit: CommitStamp, outcome: RevisionOutcome, movement: RevisionMovement, summary: PlanSummary, diagnostics: [Diagnostic], recordedAt: Date, signer: CommitSigner? = nil) {
        self.id = id
        self.commit = commit
        self.outcome = outcome
        self.movement = movement
        self.summary = summary
        self.diagnostics = diagnostics
        self.recordedAt = recordedAt
        self.signer = signer
    }
}
