import BatonReconciler
import BatonStore
import Foundation

extension ReconcilePass {
    /// A judged commit: what the status row, `reconcile --now` and the API say of the pass.
    /// `live` is the commit live after it (for a rejected commit, the one that stays live).
    public init(_ report: ReconcileReport, live: String?, finishedAt: Date, duration: Duration) {
        let outcome: Outcome = switch report.outcome {
        case .applied: .applied
        case .unchanged: .unchanged
        case .rejected: .rejected
        }
        let summary = report.plan.summary
        self.init(
            outcome: outcome, alreadyJudged: report.alreadyJudged, commit: report.commit.id, author: report.commit.author, subject: report.commit.subject,
            counts: Counts(created: summary.creates, updated: summary.updates, retired: summary.retires, revived: summary.revives, unchanged: summary.unchanged),
            errors: report.diagnostics.filter { $0.severity == .error }.count,
            warnings: report.diagnostics.filter { $0.severity == .warning }.count,
            live: live, finishedAt: finishedAt, durationMilliseconds: Self.milliseconds(duration))
    }

    /// A pass that judged nothing: the source could not be fetched or read, or the store
    /// refused the write.
    public init(failure: ReconcileError, live: String?, finishedAt: Date, duration: Duration) {
        self.init(outcome: .failed, live: live, error: failure.description, transient: failure.isTransient, finishedAt: finishedAt, durationMilliseconds: Self.milliseconds(duration))
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
