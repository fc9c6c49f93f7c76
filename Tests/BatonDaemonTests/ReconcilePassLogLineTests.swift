@testable import BatonDaemon
import BatonStore
import Foundation
import Testing

/// The daemon's log line for each pass says what `baton reconcile` would: the commit, its
/// author, and what it did, so someone reading `journalctl` needs no other tool.
@Suite struct ReconcilePassLogLineTests {
    static let commit = "3f2a9c1d0e4b" + String(repeating: "0", count: 28)
    static let ana = Person(name: "Ana", email: "ana@example.com")

    @Test func anAppliedCommitCountsItsChanges() {
        let pass = ReconcilePass(outcome: .applied, commit: Self.commit, author: Self.ana,
                                 counts: .init(created: 2, updated: 1, retired: 0, revived: 0, unchanged: 7), finishedAt: Date())
        #expect(pass.logLine == "reconcile: commit 3f2a9c1d0e4b (ana@example.com) applied: 2 to create, 1 to update, 0 to retire, 0 to revive, 7 unchanged")
    }

    @Test func aRejectedCommitCountsItsDiagnosticsAndSaysTheLiveCommitStays() {
        let pass = ReconcilePass(outcome: .rejected, commit: Self.commit, author: Self.ana, errors: 1, warnings: 2, finishedAt: Date())
        #expect(pass.logLine == "reconcile: commit 3f2a9c1d0e4b (ana@example.com) rejected: 1 error, 2 warnings; the live commit stays live")
    }

    @Test func aCommitAlreadyJudgedSaysSo() {
        let pass = ReconcilePass(outcome: .applied, alreadyJudged: true, commit: Self.commit, finishedAt: Date())
        #expect(pass.logLine == "reconcile: commit 3f2a9c1d0e4b unchanged: already applied")
    }

    @Test func aFailedPassGivesItsError() {
        let pass = ReconcilePass(outcome: .failed, error: "fetch failed: connection refused", finishedAt: Date())
        #expect(pass.logLine == "reconcile failed: fetch failed: connection refused")
    }
}
