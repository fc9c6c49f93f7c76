import BatonStore
import Foundation
import Testing

/// One line per pass, the same in `baton reconcile --now` and in the daemon's log, so someone
/// reading `journalctl` sees what the command would have printed.
@Suite struct ReconcilePassSummaryLineTests {
    static let commit = "3f2a9c1d0e4b" + String(repeating: "0", count: 28)
    static let live = "a53959e29be1" + String(repeating: "0", count: 28)
    static let ana = Person(name: "Ana", email: "ana@example.com")

    @Test func anAppliedCommitCountsItsChanges() {
        let pass = ReconcilePass(outcome: .applied, commit: Self.commit, author: Self.ana,
                                 counts: .init(created: 2, updated: 1, retired: 0, revived: 0, unchanged: 7), finishedAt: Date())
        #expect(pass.summaryLine == "reconcile: commit 3f2a9c1d0e4b (ana@example.com) applied: 2 to create, 1 to update, 0 to retire, 0 to revive, 7 unchanged")
    }

    @Test func aRejectedCommitCountsItsErrorsAndNamesTheCommitThatStaysLive() {
        let pass = ReconcilePass(outcome: .rejected, commit: Self.commit, author: Self.ana, errors: 1, warnings: 2, live: Self.live, finishedAt: Date())
        #expect(pass.summaryLine == "reconcile: commit 3f2a9c1d0e4b (ana@example.com) rejected: 1 error; a53959e29be1 stays live")
        let first = ReconcilePass(outcome: .rejected, commit: Self.commit, author: Self.ana, errors: 3, finishedAt: Date())
        #expect(first.summaryLine == "reconcile: commit 3f2a9c1d0e4b (ana@example.com) rejected: 3 errors; nothing is live yet")
    }

    @Test func aCommitAlreadyJudgedSaysSo() {
        let pass = ReconcilePass(outcome: .applied, alreadyJudged: true, commit: Self.commit, author: Self.ana,
                                 counts: .init(unchanged: 2), finishedAt: Date())
        #expect(pass.summaryLine == "reconcile: commit 3f2a9c1d0e4b (ana@example.com) unchanged: already applied; 2 pipelines live")
    }

    @Test func aFailedPassGivesItsError() {
        let pass = ReconcilePass(outcome: .failed, error: "fetch failed: connection refused", finishedAt: Date())
        #expect(pass.summaryLine == "reconcile failed: fetch failed: connection refused")
    }
}
