extension ReconcilePass {
    /// The pass in one line, as `baton reconcile --now` prints it and the daemon logs it:
    /// `reconcile: commit 3f2a9c1d0e4b (ana@example.com) applied: 1 to create, …`, or for a
    /// rejected commit the one that stays live.
    public var summaryLine: String {
        let commit = "commit \(self.commit.map { String($0.prefix(12)) } ?? "?") (\(author?.email ?? ""))"
        switch outcome {
        case .rejected:
            let errors = "\(self.errors) error\(self.errors == 1 ? "" : "s")"
            let stays = live.map { "\($0.prefix(12)) stays live" } ?? "nothing is live yet"
            return "reconcile: \(commit) rejected: \(errors); \(stays)"
        case .unchanged:
            return "reconcile: \(commit) unchanged: \(alreadyJudged ? "already applied" : "no pipeline changes"); \(livePipelines)"
        case .applied where alreadyJudged:
            return "reconcile: \(commit) unchanged: already applied; \(livePipelines)"
        case .applied:
            let summary = PlanSummary(creates: counts.created, updates: counts.updated, retires: counts.retired, revives: counts.revived, unchanged: counts.unchanged)
            return "reconcile: \(commit) applied: \(summary.description)"
        case .failed:
            return "reconcile failed: \(error ?? "unknown error")"
        }
    }

    private var livePipelines: String {
        "\(counts.unchanged) pipeline\(counts.unchanged == 1 ? "" : "s") live"
    }
}
