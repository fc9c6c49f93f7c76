import BatonStore
import Foundation

/// Small builders for store records, so each contract reads as what it checks.
enum StoreFixtures {
    static let ana = Person(name: "Ana Lima", email: "ana@example.com")
    static let bo = Person(name: "Bo Chen", email: "Bo@Example.com")
    static let dee = Person(name: "Dee Merger", email: "dee@example.com")

    static func time(_ minutes: Int) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + Double(minutes) * 60) }

    static func commit(_ n: Int, author: Person = ana) -> CommitStamp {
        CommitStamp(
            id: String(repeating: "0", count: 40 - String(n).count) + String(n), author: author, authorTime: time(n),
            committer: author, commitTime: time(n), subject: "commit \(n)")
    }

    static func source(applied: String?, attempted: String? = nil, outcome: RevisionOutcome? = .applied) -> SourceRecord {
        var source = SourceRecord(url: "/srv/pipelines", ref: "main", path: "manifests", rulesVersion: 1)
        source.lastAppliedCommit = applied
        source.lastAttemptedCommit = attempted ?? applied
        source.lastAttemptOutcome = outcome
        return source
    }

    static func revision(_ commit: CommitStamp, _ outcome: RevisionOutcome = .applied, summary: PlanSummary = PlanSummary()) -> RevisionRecord {
        RevisionRecord(commit: commit, outcome: outcome, movement: .fastForward, summary: summary, diagnostics: [], recordedAt: commit.commitTime)
    }

    static func version(_ name: String, _ kind: ChangeKind, spec: String, commit: CommitStamp, path: String? = nil, changes: [FieldChange] = [], merge: (String, Person)? = nil) -> PipelineVersion {
        PipelineVersion(
            pipeline: name, changeKind: kind, spec: spec, specHash: "hash-of-\(spec)", commit: commit,
            revisionCommit: commit.id, treeID: String(repeating: "t", count: 40), filePath: path ?? "manifests/\(name).json",
            blobID: String(repeating: "b", count: 40), mergeCommit: merge?.0, mergedBy: merge?.1, changes: changes,
            appliedAt: commit.commitTime.addingTimeInterval(5))
    }

    /// A write applying `versions` as the revision of `commit`, on top of `previous`.
    static func write(_ commit: CommitStamp, after previous: String?, versions: [PipelineVersion], index: [ManifestIndexEntry] = [], deletions: [String] = []) -> RevisionWrite {
        RevisionWrite(
            expectedLastApplied: previous, revision: revision(commit), source: source(applied: commit.id),
            versions: versions, indexUpserts: index, indexDeletions: deletions)
    }
}
