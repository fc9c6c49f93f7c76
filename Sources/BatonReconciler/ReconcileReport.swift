import BatonManifest
import BatonStore
import Foundation

/// What one pass did, for the command line, the daemon's log and the status page.
public struct ReconcileReport: Sendable {
    public var outcome: RevisionOutcome
    /// True when the commit had been judged before: the pass wrote nothing and repeats the
    /// earlier verdict.
    public var alreadyJudged: Bool
    public var commit: CommitStamp
    public var movement: RevisionMovement
    public var plan: Plan
    /// Every diagnostic of the files read (all errors of a rejected commit, warnings of an
    /// applied one).
    public var diagnostics: [Diagnostic]
    /// The stored revision, when one was written.
    public var revisionID: Int64?
    /// Whether only the files changed since the applied commit were read.
    public var incremental: Bool
    /// A note on the mirror (cloned, or recovered from corruption), if any.
    public var mirrorNote: String?
    /// False for `baton plan`: nothing was written.
    public var applied: Bool
    /// How long each step took, for logs and for whoever tunes a slow pass.
    public var timings = StepTimings()
    /// Who signed the commit, when the pass verified signatures and the commit passed.
    public var signer: CommitSigner?
}

/// Wall-clock time per step of a pass.
public struct StepTimings: Sendable, Hashable {
    public var fetch: Duration = .zero
    public var read: Duration = .zero
    public var plan: Duration = .zero
    public var attribute: Duration = .zero
    public var apply: Duration = .zero
    /// Checking commit signatures (`--verify-commits`).
    public var verify: Duration = .zero
}
