import BatonManifest
import BatonStore

/// How `reconcile --now` prints the daemon's pass: the summary line `reconcile --once`
/// ends with, or one JSON object of the pass's facts.
enum ReconcilePassText {
    /// `reconcile: commit 3f2a9c1d0e4b (ana@example.com) applied: 1 to create, …`, or for a
    /// rejected commit the one that stays live.
    static func summaryLine(_ pass: ReconcilePass) -> String {
        let commit = "commit \(pass.commit.map { String($0.prefix(12)) } ?? "?") (\(pass.author?.email ?? ""))"
        let counts = pass.counts
        switch pass.outcome {
        case .rejected:
            let errors = "\(pass.errors) error\(pass.errors == 1 ? "" : "s")"
            let stays = pass.live.map { "\($0.prefix(12)) stays live" } ?? "nothing is live yet"
            return "reconcile: \(commit) rejected: \(errors); \(stays)"
        case .unchanged:
            return "reconcile: \(commit) unchanged: \(pass.alreadyJudged ? "already applied" : "no pipeline changes"); \(live(counts))"
        case .applied where pass.alreadyJudged:
            return "reconcile: \(commit) unchanged: already applied; \(live(counts))"
        case .applied:
            let summary = PlanSummary(creates: counts.created, updates: counts.updated, retires: counts.retired, revives: counts.revived, unchanged: counts.unchanged)
            return "reconcile: \(commit) applied: \(summary.description)"
        case .failed:
            return "reconcile failed: \(pass.error ?? "unknown error")"
        }
    }

    private static func live(_ counts: ReconcilePass.Counts) -> String {
        "\(counts.unchanged) pipeline\(counts.unchanged == 1 ? "" : "s") live"
    }

    static func json(_ pass: ReconcilePass) -> JSONValue {
        let counts = pass.counts
        return JSONOut.object([
            ("command", JSONOut.string("reconcile")),
            ("outcome", JSONOut.string(pass.outcome.rawValue)),
            ("alreadyJudged", JSONOut.bool(pass.alreadyJudged)),
            ("commit", JSONOut.object([
                ("id", JSONOut.string(pass.commit)), ("author", JSONOut.person(pass.author)), ("subject", JSONOut.string(pass.subject)),
            ])),
            ("summary", JSONOut.object([
                ("create", JSONOut.int(counts.created)), ("update", JSONOut.int(counts.updated)), ("retire", JSONOut.int(counts.retired)),
                ("revive", JSONOut.int(counts.revived)), ("unchanged", JSONOut.int(counts.unchanged)),
            ])),
            ("errors", JSONOut.int(pass.errors)), ("warnings", JSONOut.int(pass.warnings)),
            ("live", JSONOut.string(pass.live)),
            ("finishedAt", JSONOut.date(pass.finishedAt)),
            ("durationMs", JSONOut.int(pass.durationMilliseconds)),
        ])
    }
}
