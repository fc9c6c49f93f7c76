import BatonManifest
import Foundation

/// Where the desired state comes from, and how far Baton got with it.
///
/// One row per store: a state directory follows one repository. The three commits are kept
/// apart on purpose: *fetched* is what the remote said, *applied* is what is live, and
/// *attempted* is the last commit a pass judged, which differs from applied exactly when that
/// commit was rejected, and then `lastAttemptDiagnostics` says why.
public struct SourceRecord: Sendable, Hashable, Codable {
    public var url: String
    public var ref: String
    public var path: String

    public var lastFetchedCommit: String?
    public var lastFetchedAt: Date?
    public var lastAppliedCommit: String?
    public var lastAppliedAt: Date?
    public var lastAttemptedCommit: String?
    public var lastAttemptedAt: Date?
    public var lastAttemptOutcome: RevisionOutcome?
    public var lastAttemptAuthor: Person?
    public var lastAttemptDiagnostics: [Diagnostic]

    /// The last failure to fetch or read the source, cleared by the next success.
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Whether waiting may fix `lastError` (a timeout) or a person must act (bad credentials).
    public var lastErrorTransient: Bool?
    /// Failed passes in a row: the daemon's backoff grows with it.
    public var consecutiveFailures: Int

    /// The version of the rules that judged the applied commit. When Baton is upgraded and
    /// its rules change, unchanged files could judge differently, so the next pass reads the
    /// whole commit instead of only what Git says changed.
    public var rulesVersion: Int

    /// The fingerprint of the signature policy and trusted keys (`--verify-commits`) the last
    /// attempted commit was judged under; nil when it was judged without one. A pass whose
    /// policy differs judges the commit again instead of repeating the stored verdict, and a
    /// pass without a policy refuses to follow one that had it unless told to stop verifying.
    public var verification: String?

    public init(url: String, ref: String, path: String, rulesVersion: Int) {
        self.url = url
        self.ref = ref
        self.path = path
        self.lastAttemptDiagnostics = []
        self.consecutiveFailures = 0
        self.rulesVersion = rulesVersion
    }
}
