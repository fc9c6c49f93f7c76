import BatonManifest
import BatonStore

/// How `reconcile --now --json` prints the daemon's pass: one JSON object of its facts (the
/// text form is `ReconcilePass.summaryLine`, which the daemon's log shares).
enum ReconcilePassText {
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
